"""The run-folder format: a run's files (store), its status and state transitions (status), reading
without following links (files), the training settings table (training_settings), the kinds of
value its JSON holds (kinds), checks on a run's JSON (checks), listing runs (index), comparing settings (comparison). Imports only the base."""

from ..atomic import file_mode
from .files import is_run_folder, own_file, read_own_bytes, read_run_json
from .index import best_run, list_runs
from .status import (ACTIVE, STATES, current_state, is_waiting, mark_cancelled, mark_failed, mark_finished,
                     mark_queued, mark_running, pid_alive, read_status, state_of, write_status)
from .store import (BEST_MODEL, LAST_MODEL, RUN_ID, RunInfo, append_metrics, append_progress, cancel_requested,
                    create_run_folder, load_run, new_run_dir, read_config, read_evaluation, read_json,
                    read_metrics, read_progress, record_training_facts, remove_leftovers, request_cancel,
                    resolve_run, run_folders, scan_runs, write_json_atomic)

__all__ = [
    "ACTIVE", "BEST_MODEL", "LAST_MODEL", "RUN_ID", "STATES", "RunInfo", "append_metrics", "append_progress",
    "best_run", "cancel_requested", "create_run_folder", "current_state", "file_mode", "is_run_folder",
    "is_waiting", "list_runs", "load_run", "mark_cancelled", "mark_failed", "mark_finished", "mark_queued",
    "mark_running", "new_run_dir", "own_file", "pid_alive", "read_config", "read_evaluation", "read_json",
    "read_metrics", "read_own_bytes", "read_progress", "read_run_json", "read_status",
    "record_training_facts", "remove_leftovers", "request_cancel", "resolve_run", "run_folders",
    "scan_runs", "state_of", "write_json_atomic", "write_status",
           # public modules, imported where used (importing them here would slow every page)
           "checks", "comparison", "training_settings"]
