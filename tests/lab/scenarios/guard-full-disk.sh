# lab-record: no
# lab-backends: fentry
# `gputrace guard --vm 111 -o TRACE` with TRACE on a filesystem that fills
# up (tests/lab/checks/guard-full-disk.sh judges it). With the bpf LSM
# (6.1, 6.12): gpu-watchdog is denied while the disk is full, which the
# guard says at once (what it could not write, and that it goes on),
# and again once space is freed (writing again); the next denial is in the
# trace, and the guard's end says what was not written and exits 1. On 5.10
# the guard refuses, naming lsm=.
. /lab/guest-lib.sh

mkdir -p /tmp/full
mount -t tmpfs -o size=64k gt-full /tmp/full || { echo "cannot mount a tmpfs"; exit 1; }
if ! guard_start --vm 111 -o /tmp/full/guard.gtrace; then
	umount /tmp/full
	lab_step refused
	exit 0
fi
lab_step armed
sleep 0.5				# the header is flushed at the first tick
dd if=/dev/zero of=/tmp/full/filler bs=4k 2>/dev/null
# The trace's last page still has room (tmpfs gives whole pages): the
# watchdog tries again until a write needs a page there is not.
n=0
until grep -q "records not written so far" /tmp/record.log || [ $n -ge 60 ]; do
	/usr/local/sbin/gpu-watchdog 0000:00:05.0 >/dev/null
	sleep 0.2
	n=$((n + 1))
done
echo "watchdog runs until the disk was full for the guard: $n"
lab_step denied-while-full
rm -f /tmp/full/filler
/usr/local/sbin/gpu-watchdog 0000:00:05.0 &
after=$!
wait $after
echo "watchdog after the space was freed: pid $after"
n=0
until grep -q "writing again" /tmp/record.log || [ $n -ge 50 ]; do sleep 0.1; n=$((n + 1)); done
lab_step denied-after-freed
guard_stop INT
cp /tmp/full/guard.gtrace /tmp/trace.gtrace
umount /tmp/full
