#!/bin/bash
# Boots a real systemd as PID 1 of private PID, mount, cgroup, UTS and IPC namespaces, for the
# integration tests (SystemdContainer.cs).
#
#   boot-systemd.sh STATE_DIR [DIR...]
#
# Each DIR (the repository with the build output) is bound into the container at the same path, so
# it is seen even when it lives on another file system or under /tmp (which gets a fresh tmpfs).
# The root file system is an overlay: lower layer the host's "/" (never written), upper layer a
# tmpfs, so whatever the tests install (units, /usr/lib/chatdaemon) vanishes with the namespace.
# The host's network namespace is shared: tests reach the services over loopback.
# Nothing is left behind on the host: the mount namespace is private (unshare(1) defaults to
# --propagation private), every process dies with the namespace's PID 1, and the cgroups systemd
# creates live under one cgroup per hierarchy made here and removed when systemd is gone.
set -euo pipefail

state_dir=${1:?usage: boot-systemd.sh STATE_DIR [DIR...]}
shift
mkdir -p "$state_dir"
for dir in "$@"; do
    [ -d "$dir" ] || { echo "boot-systemd.sh: $dir is not a directory" >&2; exit 64; }
done
name=chatdaemon-test-$$

# One child cgroup of our own current cgroup in every mounted hierarchy. With --cgroup the
# container's systemd sees it as "/" and builds init.scope, system.slice, ... inside it, never
# beside cgroups it does not own (systemd(1) "container" mode, cgroup_namespaces(7)).
cgroups=()
for procs in /sys/fs/cgroup/*/cgroup.procs /sys/fs/cgroup/cgroup.procs; do
    [ -e "$procs" ] || continue
    hierarchy=$(dirname "$procs")
    [ -L "$hierarchy" ] && continue      # cpu,cpuacct style aliases
    mountpoint -q "$hierarchy" || continue
    fstype=$(stat -fc %T "$hierarchy")
    if [ "$fstype" = cgroup2fs ]; then key=0::; else key=":$(grep -oE '[^,]+' <<<"$(findmnt -no OPTIONS "$hierarchy")" | grep -vE '^(rw|ro|nosuid|nodev|noexec|relatime|nsdelegate|memory_recursiveprot|clone_children)$' | paste -sd, -):"; fi
    own=$(awk -F: -v k="$key" 'BEGIN{ split(k, a, ":") } ($1 ":" $2 ":") == (a[1] ":" a[2] ":") || (a[1] == "0" && $1 == "0") || (a[2] != "" && $2 == a[2]) { print $3; exit }' /proc/self/cgroup)
    [ -n "$own" ] || continue
    cgroups+=("$hierarchy${own%/}/$name")
done
echo "${cgroups[@]}" > "$state_dir/cgroups"

# Creates the cgroup (again, if something removed it meanwhile) and moves process $1 into it.
join_cgroup() {
    local pid=$1 dir=$2 attempt
    for attempt in 1 2 3 4 5; do
        mkdir -p "$dir" 2>/dev/null || true
        # cpuset(7): a new v1 cpuset starts with no CPUs and no memory nodes; inherit the parent's.
        if [ -e "$dir/cpuset.cpus" ] && [ -z "$(cat "$dir/cpuset.cpus" 2>/dev/null)" ]; then
            cat "$(dirname "$dir")/cpuset.cpus" > "$dir/cpuset.cpus" 2>/dev/null || true
            cat "$(dirname "$dir")/cpuset.mems" > "$dir/cpuset.mems" 2>/dev/null || true
        fi
        echo "$pid" > "$dir/cgroup.procs" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "boot-systemd.sh: could not join $dir; the container shares that hierarchy's root" >&2
}

cleanup() {
    local dir attempt left
    # The kernel takes dead tasks out of their cgroups a moment after the namespace is gone, and a
    # cgroup with tasks cannot be removed (EBUSY): retry for a few seconds.
    for attempt in $(seq 50); do
        left=0
        for dir in "${cgroups[@]}"; do
            [ -d "$dir" ] || continue
            # Depth first: a cgroup can only be removed once its children are gone.
            find "$dir" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
            rmdir "$dir" 2>/dev/null || left=1
        done
        [ "$left" = 0 ] && break
        sleep 0.1
    done
    [ "$left" = 0 ] || echo "boot-systemd.sh: could not remove cgroups: ${cgroups[*]}" >&2
    umount "$state_dir/mnt" 2>/dev/null || true
}
trap cleanup EXIT

(
    for dir in "${cgroups[@]}"; do join_cgroup "$BASHPID" "$dir"; done
    exec unshare --pid --fork --mount --cgroup --uts --ipc --propagation private -- /bin/bash -c '
set -euo pipefail
# Snapshot of the host mounts before we add ours (reading /proc/self/mounts while mounting grows it).
mapfile -t host_mounts < /proc/self/mounts
base=$1/mnt
mkdir -p "$base"
mount -t tmpfs -o mode=0755 chatdaemon-test "$base"
mkdir -p "$base/upper" "$base/work" "$base/root"
# overlayfs: submounts of "/" (proc, sys, dev, ...) are not part of the lower layer; mounted below.
mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
root=$base/root

mount -t proc proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys" 2>/dev/null || mount --rbind /sys "$root/sys"
# The cgroup hierarchies, seen through the new cgroup namespace (our own subtree is their root).
mount -t tmpfs -o mode=0755,nosuid,nodev,noexec cgroup "$root/sys/fs/cgroup"
for line in "${host_mounts[@]}"; do
    read -r _ target fstype options _ <<<"$line"
    case "$fstype" in cgroup|cgroup2) ;; *) continue ;; esac
    sub=${target#/sys/fs/cgroup}
    mkdir -p "$root/sys/fs/cgroup$sub"
    if [ "$fstype" = cgroup2 ]; then
        mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup$sub"
    else
        controllers=$(tr , "\n" <<<"$options" | grep -vE "^(rw|ro|nosuid|nodev|noexec|relatime|clone_children)$" | paste -sd, -)
        mount -t cgroup -o "$controllers" cgroup "$root/sys/fs/cgroup$sub"
    fi
done
for link in /sys/fs/cgroup/*; do
    [ -L "$link" ] && ln -s "$(readlink "$link")" "$root/sys/fs/cgroup/$(basename "$link")"
done
# A /dev of its own: binding the host /dev would let systemd in the container write into it (the /dev/log
# symlink of systemd-journald-dev-log.socket, /dev/shm). Only the basic character devices are bound,
# as systemd-nspawn(1) does.
mount -t tmpfs -o mode=0755,nosuid,size=4m dev "$root/dev"
for node in null zero full random urandom tty; do
    touch "$root/dev/$node"
    mount --bind "/dev/$node" "$root/dev/$node"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
shift
for dir in "$@"; do
    mkdir -p "$root$dir"
    mount --rbind "$dir" "$root$dir"
done

# systemd(1) in a container: /etc/machine-id must exist (empty is fine: a transient one is made),
# and $container tells it to skip what only a real boot does (systemd-detect-virt(1)).
: > "$root/etc/machine-id"
hostname chatdaemon-test

mkdir -p "$root/.old-root"
cd "$root"
pivot_root . .old-root
umount -l /.old-root
rmdir /.old-root

# basic.target only: multi-user.target would start whatever services the host image enables.
exec env -i container=chatdaemon-test PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    /lib/systemd/systemd --system --unit=basic.target --show-status=no
' boot "$state_dir" "$@" </dev/null
) &
child=$!
echo "$child" > "$state_dir/unshare.pid"
wait "$child"
