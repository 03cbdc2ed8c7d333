#!/usr/bin/env bash
# The nightly batch: the brief of every event under conf/event/ and $SUMMARIZE_EVENTS_DIR/event/
# (or of the events named), one after another, each in its own process so that one event's
# failure cannot stop the others.
#
#   scripts/nightly.sh [EVENT ...]
#
# $SUMMARIZE_EVENTS_DIR is a folder of events kept outside the checkout (DIR/event/NAME.yaml);
# every run gets it on Hydra's search path.
# Appends to outputs/nightly/YYYY-MM-DD.log (UTC; $SUMMARIZE_LOG_DIR overrides the folder) the
# output of every run and one status line per event. Exits 0 when every event was published or
# skipped (exit 6: nothing changed), else 1, naming each failed event with its exit code.
# $SUMMARIZE_PYTHON picks the interpreter (default .venv/bin/python, made by `make run`).
set -u
cd "$(dirname "$0")/.."

python="${SUMMARIZE_PYTHON:-.venv/bin/python}"
log_dir="${SUMMARIZE_LOG_DIR:-outputs/nightly}"
mkdir -p "$log_dir"
log="$log_dir/$(date -u +%Y-%m-%d).log"

events_dir="${SUMMARIZE_EVENTS_DIR:-}"
search=()
if [ -n "$events_dir" ]; then
    search=("hydra.searchpath=[file://$(cd "$events_dir" && pwd)]")
fi

events=("$@")
if [ ${#events[@]} -eq 0 ]; then
    for file in conf/event/*.yaml ${events_dir:+"$events_dir"/event/*.yaml}; do
        [ -e "$file" ] && events+=("$(basename "$file" .yaml)")
    done
fi

failed=()
for event in "${events[@]}"; do
    echo "$(date -u +%FT%TZ) start $event" >>"$log"
    "$python" -m summarize "+event=$event" "${search[@]}" >>"$log" 2>&1
    code=$?
    case $code in
        0) status="published" ;;
        6) status="skipped (nothing changed)" ;;
        *) status="FAILED with exit code $code"; failed+=("$event (exit $code)") ;;
    esac
    echo "$(date -u +%FT%TZ) $status: $event" >>"$log"
done

if [ ${#failed[@]} -gt 0 ]; then
    summary="nightly: ${#failed[@]} of ${#events[@]} events failed: $(IFS=,; echo "${failed[*]}" | sed 's/,/, /g'); log: $log"
    echo "$summary" >>"$log"
    echo "$summary" >&2
    exit 1
fi
echo "nightly: all ${#events[@]} events published or unchanged; log: $log" | tee -a "$log"
