#!/bin/bash
# Boots a real systemd as PID 1 of private PID, mount, cgroup, UTS and IPC namespaces, for the
# integration tests (SystemdContainer.cs).
#
#   boot-systemd.sh STATE_DIR
#
# The root file system is an overlay: lower layer the host's "/" (never written), upper layer a
# tmpfs, so whatever the tests install (units, /usr/lib/chatdaemon) vanishes with the namespace.
# The host's network namespace is shared: tests reach the services over loopback.
# Nothing is left behind on the host: the mount namespace is private (unshare(1) defaults to
# --propagation private), every process dies with the namespace's PID 1, and the cgroups systemd
# creates live under one cgroup per hierarchy made here and removed when systemd is gone.
set -euo pipefail

state_dir=${1:?usage: boot-systemd.sh STATE_DIR}
mkdir -p "$state_dir"
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
    dir=$hierarchy${own%/}/$name
    mkdir -p "$dir" && cgroups+=("$dir")
    # cpuset(7): a new v1 cpuset starts with no CPUs and no memory nodes; inherit the parent's.
    if [ -e "$dir/cpuset.cpus" ] && [ -z "$(cat "$dir/cpuset.cpus")" ]; then
        cat "$(dirname "$dir")/cpuset.cpus" > "$dir/cpuset.cpus"
        cat "$(dirname "$dir")/cpuset.mems" > "$dir/cpuset.mems"
    fi
done
echo "${cgroups[@]}" > "$state_dir/cgroups"

cleanup() {
    local dir
    for dir in "${cgroups[@]}"; do
        # Depth first: a cgroup can only be removed once its children are gone.
        find "$dir" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
        rmdir "$dir" 2>/dev/null || true
    done
    umount "$state_dir/mnt" 2>/dev/null || true
}
trap cleanup EXIT

(
    for dir in "${cgroups[@]}"; do echo "$BASHPID" > "$dir/cgroup.procs"; done
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
mount --rbind /dev "$root/dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"

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
' boot "$state_dir" </dev/null
) &
child=$!
echo "$child" > "$state_dir/unshare.pid"
wait "$child"
