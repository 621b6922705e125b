"""Background trainings and the classroom around them: the queue, its dispatcher and workers
(run_queue), the Ray Jobs backend (ray_backend), the queue as a timeline (timeline), and the
classroom's rules: owners, caps, the leaderboard (classroom). Imports every layer below the CLI."""

from .run_queue import (acquire_slot, cancel, discard, dispatch, dispatch_if_needed, kill, launch,
                         main_worker, queue_position, reclaim_stale, resume_in_background,
                         start_in_background, wait_for_slot, waiting_runs)

__all__ = ["acquire_slot", "cancel", "discard", "dispatch", "dispatch_if_needed", "kill", "launch",
           "main_worker", "queue_position", "reclaim_stale", "resume_in_background", "start_in_background",
           "wait_for_slot", "waiting_runs",
           # public modules, imported where used (importing them here would slow every page)
           "classroom", "names", "ray_backend", "sign_in", "timeline", "watchdog"]
