# triage502 (rpm, %preun): on erase (not upgrade), a running `triage502 watch` is stopped.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl --system stop triage502-watch.service >/dev/null 2>&1 || true
fi
exit 0
