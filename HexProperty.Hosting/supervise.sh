#!/usr/bin/env bash
# Keeps one server process running, as a container platform's restart policy would: DCP starts this script as the
# resource's process and stops it with SIGTERM; the server is its child.
#  - a server that exits on its own (a crash, SIGKILL) is started again after 1 s, backing off to 30 s while it keeps
#    failing within 30 s of its start;
#  - SIGTERM or SIGINT to this script sends the server its own stop signal (--stop-signal; PostgreSQL wants INT, its
#    fast shutdown, where TERM would wait for every client to leave) and exits once the server has;
#  - the server dies with this script even when it is SIGKILLed (setpriv --pdeathsig), so nothing outlives DCP;
#  - --user runs the server as that user (PostgreSQL refuses to run as root);
#  - --pid-file records the running server's PID, for operators and for tests that kill it like a crash would.
# Usage: supervise.sh [--stop-signal SIG] [--user NAME] [--pid-file FILE] -- program [argument...]
set -u

stop_signal=TERM
user=
pid_file=
while [ $# -gt 0 ]; do
  case "$1" in
    --stop-signal) stop_signal=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --pid-file) pid_file=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "supervise: unknown option $1" >&2; exit 64 ;;
  esac
done
[ $# -gt 0 ] || { echo "supervise: no program given" >&2; exit 64; }

# A background job of a non-interactive shell starts with SIGINT and SIGQUIT ignored: env gives the server the defaults back.
launch=(env --default-signal=INT,QUIT setpriv --pdeathsig KILL)
[ -n "$user" ] && launch+=(--reuid "$user" --regid "$user" --init-groups)

child=0
stopping=0
stop() {
  stopping=1
  [ "$child" -gt 0 ] && kill -s "$stop_signal" "$child" 2>/dev/null
}
trap stop TERM INT

delay=1
while :; do
  started=$SECONDS
  "${launch[@]}" -- "$@" &
  child=$!
  [ -n "$pid_file" ] && echo "$child" > "$pid_file"
  # wait returns early when a trapped signal arrives; keep waiting until the server itself has exited.
  while :; do
    wait "$child"
    status=$?
    kill -0 "$child" 2>/dev/null || break
  done
  child=0
  [ -n "$pid_file" ] && rm -f "$pid_file"
  [ "$stopping" -eq 1 ] && exit 0

  [ $((SECONDS - started)) -ge 30 ] && delay=1
  echo "supervise: $(basename "$1") exited with status $status after $((SECONDS - started)) s; starting it again in $delay s" >&2
  sleep "$delay" &
  wait $! 2>/dev/null
  [ "$stopping" -eq 1 ] && exit 0
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
