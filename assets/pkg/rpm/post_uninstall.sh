# triage502 (rpm, %postun): on erase, the audit log folder goes when empty; an audit log is the
# admin's record of what was run on the box and stays, like a config under /etc/triage502/.
if [ "$1" -eq 0 ]; then
    rmdir /var/log/triage502 2>/dev/null || true
fi
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null 2>&1 || true
fi
exit 0
