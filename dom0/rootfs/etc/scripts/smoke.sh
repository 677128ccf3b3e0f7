# A quick look around: run it with `tools/boot --dom0-cmdline run=/etc/scripts/smoke.sh`
# or type the lines at the prompt.
echo dom0 is up
ls /boot
ls /etc/xen
xl --version
