"""The run-folder format: a run's files (store), reading a run folder without following links (files),
the training settings a config.json holds (training_settings), checks on a run's JSON (checks),
listing runs (index), comparing their settings (comparison). Imports only the base."""

from ..atomic import file_mode
from .files import is_run_folder, own_file, read_own_bytes, read_run_json
from .index import best_run, list_runs
from .store import (ACTIVE, BEST_MODEL, LAST_MODEL, RUN_ID, STATES, RunInfo, append_metrics, append_progress,
                    cancel_requested, current_state, is_waiting, load_run, new_run_dir, pid_alive,
                    read_config, read_evaluation, read_json, read_metrics, read_progress,
                    remove_leftovers, request_cancel, resolve_run, run_folders, scan_runs, state_of,
                    write_json_atomic, write_status)

__all__ = [
    "ACTIVE", "BEST_MODEL", "LAST_MODEL", "RUN_ID", "STATES", "RunInfo", "append_metrics", "append_progress",
    "best_run", "cancel_requested", "current_state", "file_mode", "is_run_folder", "is_waiting",
    "list_runs", "load_run", "new_run_dir", "own_file", "pid_alive", "read_config",
    "read_evaluation", "read_json", "read_metrics", "read_own_bytes", "read_progress",
    "read_run_json", "remove_leftovers", "request_cancel", "resolve_run", "run_folders",
    "scan_runs", "state_of", "write_json_atomic", "write_status",
]
