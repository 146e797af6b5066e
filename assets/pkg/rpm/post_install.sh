# triage502 (rpm, %post): the folder of the audit log (/var/log/triage502/audit.log, written as
# root by the recovery actions), root only; left as the admin set it when it exists. The watch
# unit is installed, not enabled.
[ -d /var/log/triage502 ] || install -d -m 0700 -o root -g root /var/log/triage502
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null 2>&1 || true
fi
exit 0
