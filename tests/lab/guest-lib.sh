# Sourced inside the lab guest (busybox sh) by the init, the scenarios and the
# stand-in tools under tests/lab/rootfs. It writes the ground truth the host
# checks against the trace:
#   /tmp/expect.txt   one line per scenario step: the drivers and overrides of
#                     the two functions after that step
#   /tmp/actions.txt  one line per process start and per sysfs write done by a
#                     stand-in tool: time, pid, ppid, comm, what, result
# Writes use the shell's builtin echo, so they come from the tool's own
# process (its comm and argv are what gputrace should attribute them to).

LAB_GPU=0000:00:05.0
LAB_AUDIO=0000:00:05.1
LAB_DEVICES="$LAB_GPU $LAB_AUDIO"
# the extra adapters of "# lab-devices:" (gpu2 at 00:06.0, gpu-port at 01:00.0)
for _d in 0000:00:06.0 0000:01:00.0; do
	[ -e "/sys/bus/pci/devices/$_d" ] && LAB_DEVICES="$LAB_DEVICES $_d"
done

lab_now() { read -r _up _rest </proc/uptime; echo "$_up"; }

# lab_driver BDF: the bound driver's name, or "none".
lab_driver() {
	if [ -e "/sys/bus/pci/devices/$1/driver" ]; then
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
	else
		echo none
	fi
}

# lab_override BDF: driver_override, or "none" when unset; "gone" if the
# device does not exist (after a remove).
lab_override() {
	[ -e "/sys/bus/pci/devices/$1" ] || { echo gone; return; }
	_ov=$(cat "/sys/bus/pci/devices/$1/driver_override" 2>/dev/null)
	case "$_ov" in "" | "(null)") echo none ;; *) echo "$_ov" ;; esac
}

# lab_step NAME: appends the state after step NAME to /tmp/expect.txt.
lab_step() {
	_line="step=$1 t=$(lab_now)"
	for _d in $LAB_DEVICES; do
		_line="$_line $_d=$(lab_driver "$_d") $_d.override=$(lab_override "$_d")"
	done
	echo "$_line" >>/tmp/expect.txt
	echo "step $1: $_line"
}

# lab_action WORDS...: logs what the current process does to /tmp/actions.txt.
lab_action() {
	# /proc/self, not $$: in a subshell (a forked worker) $$ is the parent.
	read -r _pid _rest </proc/self/stat
	read -r _comm </proc/$_pid/comm
	_ppid=$(awk '{print $4}' /proc/$_pid/stat)
	echo "t=$(lab_now) pid=$_pid ppid=$_ppid comm=$_comm $*" >>/tmp/actions.txt
}

# lab_write FILE VALUE: writes VALUE and a newline to the sysfs FILE from
# this process, logs it with the result. Returns the write's status.
lab_write() {
	if echo "$2" >"$1" 2>/tmp/.lab-werr.$$; then
		_res=ok _rc=0
	else
		_rc=1
		_res="error:$(sed 's/.*: //; s/ /_/g' /tmp/.lab-werr.$$ | head -n 1)"
	fi
	rm -f /tmp/.lab-werr.$$
	lab_action "write $1 \"$2\" $_res"
	return $_rc
}

# lab_wait_gone PID [SECONDS]: waits until process PID has exited.
lab_wait_gone() {
	_n=0
	while [ -d "/proc/$1" ] && [ $_n -lt $((${2:-60} * 20)) ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
	[ ! -d "/proc/$1" ]
}

# lab_wait_file FILE [SECONDS]: waits until FILE exists and is not empty.
lab_wait_file() {
	_n=0
	while [ ! -s "$1" ] && [ $_n -lt $((${2:-60} * 20)) ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
	[ -s "$1" ]
}

# proxmox_vm_cycle VMID: the Proxmox VM cycle the Proxmox scenarios share.
# qmeventd watches, `qm start` binds and starts kvm (step vm-running), the
# guest shuts itself down, qmeventd runs `qm cleanup` with the post-stop
# hookscript; step cleanup-done once that has finished.
proxmox_vm_cycle() {
	/usr/sbin/qmeventd "$1" &
	_qmeventd=$!
	/usr/sbin/qm start "$1" || return 1
	lab_step vm-running
	wait $_qmeventd
	lab_step cleanup-done
}

# pve_port_vm VMID: a Proxmox VM that is given the display adapter behind a
# PCIe root port (01:00.0, "# lab-devices: gpu-port"), with gpu-port-hook.pl.
pve_port_vm() {
	cat >"/etc/pve/qemu-server/$1.conf" <<CONF
boot: order=scsi0
hookscript: local:snippets/gpu-port-hook.pl
hostpci0: 0000:01:00.0,pcie=1
machine: q35
memory: 4096
name: vm$1
vga: none
CONF
}

# guard_start ARGS...: `gputrace guard ARGS` in the background (pid in
# LAB_GUARD_PID), its output in /tmp/record.log, which comes back to the
# host; returns once it guards or watches a function, 1 if it exited.
guard_start() {
	gputrace guard "$@" >>/tmp/record.log 2>&1 &
	LAB_GUARD_PID=$!
	_n=0
	while [ $_n -lt 1200 ]; do
		grep -q '^gputrace guard: \(guarding\|watching\) ' /tmp/record.log 2>/dev/null && return 0
		kill -0 "$LAB_GUARD_PID" 2>/dev/null || {
			wait "$LAB_GUARD_PID"
			echo "guard exited $?"
			return 1
		}
		sleep 0.1
		_n=$((_n + 1))
	done
	echo "guard not guarding after 120 s"
	return 1
}

# guard_stop [SIGNAL]: ends the guard (default SIGTERM) and waits for it.
guard_stop() {
	kill -"${1:-TERM}" "$LAB_GUARD_PID"
	wait "$LAB_GUARD_PID"
	echo "guard exited $?"
}
