#!/bin/bash
# Builds the Debian package chatdaemon_VERSION_amd64.deb with dpkg-deb(1): the Native AOT binary, the units,
# the default configuration as a conffile, man pages, and maintainer scripts in the way dh_installsystemd
# writes them. See deploy/README.md "Debian package".
#
#   deploy/debian/build-deb.sh [--from DIR] [--version VERSION] [--out DIR]
#
# --from DIR     an already published Native AOT folder (DIR/chatdaemon); otherwise it is published here
# --version V    the package version (default: <Version> of ChatDaemon.csproj)
# --out DIR      where the .deb goes (default: the current directory)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deploy=$(dirname "$here")
repo=$(dirname "$deploy")
from=
out=$PWD
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/ChatDaemon/ChatDaemon.csproj" | head -1)

while [ $# -gt 0 ]; do
    case "$1" in
        --from) from=${2:?--from needs a directory}; shift 2 ;;
        --version) version=${2:?--version needs a value}; shift 2 ;;
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build-deb.sh: unknown option $1" >&2; exit 64 ;;
    esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$from" ]; then
    from=$work/publish
    dotnet publish "$repo/ChatDaemon/ChatDaemon.csproj" -c Release -r linux-x64 -p:PublishAot=true \
        -p:IntermediateOutputPath=obj/Release/aot-deb/ -p:OutputPath=bin/aot-deb/ -o "$from" --nologo -v quiet >&2
fi
if [ ! -x "$from/chatdaemon" ] || [ -e "$from/chatdaemon.dll" ]; then
    echo "build-deb.sh: $from/chatdaemon is not a Native AOT executable" >&2
    exit 66
fi

root=$work/chatdaemon_${version}_amd64
umask 022
install -D -m 0755 "$from/chatdaemon" "$root/usr/lib/chatdaemon/chatdaemon"
install -D -m 0755 "$deploy/chatdaemon-reload" "$root/usr/lib/chatdaemon/chatdaemon-reload"
for unit in chatdaemon.service chatdaemon.socket chatdaemon-irc.socket chatdaemon-echo.socket; do
    install -D -m 0644 "$deploy/$unit" "$root/lib/systemd/system/$unit"
done
install -D -m 0644 "$deploy/chatdaemon.json" "$root/etc/chatdaemon/chatdaemon.json"
install -D -m 0644 "$deploy/chatdaemon.sysusers" "$root/usr/lib/sysusers.d/chatdaemon.conf"
install -d -m 0755 "$root/usr/share/man/man8" "$root/usr/share/man/man5" "$root/usr/share/doc/chatdaemon"
# Debian Policy 12.1 and 12.7: man pages and the changelog gzip-compressed with -9, without a timestamp (-n);
# a native package (no Debian revision in its version) names its changelog changelog.gz.
gzip -9n -c "$deploy/man/chatdaemon.8" > "$root/usr/share/man/man8/chatdaemon.8.gz"
gzip -9n -c "$deploy/man/chatdaemon.json.5" > "$root/usr/share/man/man5/chatdaemon.json.5.gz"
install -m 0644 "$here/copyright" "$root/usr/share/doc/chatdaemon/copyright"
# Not active by itself: the drop-in an admin installs when the daemon must reach Redis (Backplane:Kind=Redis).
install -D -m 0644 "$deploy/backplane.conf" "$root/usr/share/doc/chatdaemon/examples/backplane.conf"
cat > "$work/changelog" <<CHANGELOG
chatdaemon ($version) unstable; urgency=medium

  * Built from the repository by deploy/debian/build-deb.sh.

 -- ChatDaemon developers <chatdaemon@example.org>  $(date -R -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")
CHANGELOG
gzip -9n -c "$work/changelog" > "$root/usr/share/doc/chatdaemon/changelog.gz"
chmod 0644 "$root/usr/share/man/man8/chatdaemon.8.gz" "$root/usr/share/man/man5/chatdaemon.json.5.gz" "$root/usr/share/doc/chatdaemon/changelog.gz"

install -d -m 0755 "$root/DEBIAN"
for script in postinst prerm postrm; do
    install -m 0755 "$here/$script" "$root/DEBIAN/$script"
done
echo /etc/chatdaemon/chatdaemon.json > "$root/DEBIAN/conffiles"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"
cat > "$root/DEBIAN/control" <<CONTROL
Package: chatdaemon
Version: $version
Architecture: amd64
Maintainer: ChatDaemon developers <chatdaemon@example.org>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: libc6 (>= 2.34), systemd (>= 247)
Recommends: dbus
Section: net
Priority: optional
Homepage: https://example.org/chatdaemon
Description: TCP chat and echo server for systemd
 A line-based chat server (rooms, nicks, private messages) and an RFC 862
 echo server, used with nc, telnet or socat. It is socket-activated by
 systemd, reports readiness and status with sd_notify, reloads its
 configuration on systemctl reload, logs to the journal and syslog, and
 keeps its clients connected across restarts and upgrades through
 systemd's file descriptor store. Built with .NET Native AOT: no .NET
 runtime is needed.
CONTROL

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/chatdaemon_${version}_amd64.deb" >&2
echo "$out/chatdaemon_${version}_amd64.deb"
