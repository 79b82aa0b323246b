#!/bin/bash
# Installs (or removes) ChatDaemon as a socket-activated systemd service. See deploy/README.md.
#
#   deploy/install.sh [--root DIR] [--no-publish --from DIR] [--framework-dependent|--self-contained] [--unit-dir DIR]
#   deploy/install.sh --uninstall [--purge] [--root DIR] [--unit-dir DIR]
#
# Builds: Native AOT by default (one native executable, no .NET runtime needed, the unit's
#         MemoryDenyWriteExecute=yes holds); --framework-dependent uses the shared .NET runtime (JIT);
#         --self-contained a trimmed composite ReadyToRun image. A JIT build gets a drop-in that turns
#         MemoryDenyWriteExecute= off (the JIT writes code).
# Layout:  /usr/lib/chatdaemon/          the published daemon (executable: chatdaemon) and
#                                        chatdaemon-reload, the unit's ExecReload=
#          /etc/systemd/system/          chatdaemon.service, chatdaemon.socket, chatdaemon-irc.socket, chatdaemon-echo.socket
#          /etc/chatdaemon/chatdaemon.json  default configuration, only written when absent
#          /usr/lib/sysusers.d/chatdaemon.conf  the service's system user
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(dirname "$script_dir")

root=/
unit_dir=/etc/systemd/system
lib_dir=/usr/lib/chatdaemon
config_dir=/etc/chatdaemon
from=
publish=yes
build=aot
action=install
purge=no
work_dir=
units=(chatdaemon.service chatdaemon.socket chatdaemon-irc.socket chatdaemon-echo.socket)

usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-64}"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --root) root=${2:?--root needs a directory}; shift 2 ;;
        --unit-dir) unit_dir=${2:?--unit-dir needs a directory}; shift 2 ;;
        --from) from=${2:?--from needs a directory}; shift 2 ;;
        --no-publish) publish=no; shift ;;
        --self-contained) build=self-contained; shift ;;
        --framework-dependent) build=framework-dependent; shift ;;
        --aot) build=aot; shift ;;
        --uninstall) action=uninstall; shift ;;
        --purge) purge=yes; shift ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage ;;
    esac
done

if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: must run as root" >&2
    exit 77
fi

# sd_booted(3): systemd is the running service manager of this root.
systemd_running() {
    [ "$root" = / ] && [ -d /run/systemd/system ]
}

target() { echo "${root%/}$1"; }

uninstall() {
    if systemd_running; then
        systemctl disable --now "${units[@]}" 2>/dev/null || true
    fi
    for unit in "${units[@]}"; do
        rm -f "$(target "$unit_dir")/$unit"
    done
    rm -f "$(target "$unit_dir")/chatdaemon.service.d/jit.conf"
    rmdir "$(target "$unit_dir")/chatdaemon.service.d" 2>/dev/null || true
    rm -rf "$(target "$lib_dir")"
    rm -f "$(target /usr/lib/sysusers.d)/chatdaemon.conf"
    if [ "$purge" = yes ]; then
        rm -rf "$(target "$config_dir")"
    fi
    if systemd_running; then
        systemctl daemon-reload
    fi
    echo "ChatDaemon removed$( [ "$purge" = yes ] || echo "; configuration kept in $config_dir (use --purge to remove it)")"
}

publish_daemon() {
    local out=$1
    # Native AOT (the default): ILCompiler turns the daemon and the parts of the runtime it uses into one
    # native executable (about 10 MB, plus a .dbg file of symbols that is not installed): no runtime to
    # install or keep patched, about 50 ms to the first greeting instead of 200-400, 16 MiB idle instead of
    # 45, and no JIT, so the unit's MemoryDenyWriteExecute=yes holds (bench/RESULTS.md). It links with
    # clang and lld against zlib (Debian: clang lld zlib1g-dev), installed here when missing.
    # --framework-dependent: the shared runtime (/usr/share/dotnet or /usr/lib/dotnet) gets its security
    # updates from the package manager; ReadyToRun precompiles our code for start-up.
    # --self-contained trims the runtime and the daemon to the code they use, then compiles what is left
    # into one composite ReadyToRun image (bench/ANALYSIS.md "Cold start, trimmed composite image").
    # Each mode compiles into an intermediate folder of its own: the SDK reuses ReadyToRun images
    # from obj/, and a component image of a composite build loaded without its composite aborts
    # the runtime at start (seen here: SIGABRT while looking for chatdaemon.r2r.dll). The trimmed
    # image also gets a bin/ folder of its own: a framework-dependent build there overwrites
    # chatdaemon.runtimeconfig.json, and the self-contained image then looks for a shared runtime.
    local -a mode
    case "$build" in
        aot)
            install_aot_toolchain
            mode=(-p:PublishAot=true "-p:IntermediateOutputPath=obj/Release/aot/" "-p:OutputPath=bin/aot/") ;;
        self-contained)
            mode=(--self-contained true -p:PublishTrimmed=true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true "-p:IntermediateOutputPath=obj/Release/trimmed-composite/" "-p:OutputPath=bin/trimmed-composite/") ;;
        framework-dependent)
            mode=(--self-contained false -p:PublishReadyToRun=true "-p:IntermediateOutputPath=obj/Release/framework-dependent/") ;;
    esac
    dotnet publish "$repo_dir/ChatDaemon/ChatDaemon.csproj" -c Release -r linux-x64 "${mode[@]}" \
        -o "$out" --nologo -v quiet >&2
}

install_aot_toolchain() {
    local -a missing=()
    command -v clang >/dev/null || missing+=(clang)
    command -v ld.lld >/dev/null || missing+=(lld)
    [ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "install.sh: installing what Native AOT links with: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
        || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2; }
}

# A Native AOT build is one native executable: no chatdaemon.dll beside it, no runtime to look for.
is_native() { [ ! -e "$1/chatdaemon.dll" ]; }

check_runtime() {
    local dir=$1
    is_native "$dir" && return 0              # Native AOT
    [ -e "$dir/libcoreclr.so" ] && return 0   # self-contained
    # ProtectHome=yes hides /root and /home: the shared runtime must live elsewhere.
    local dotnet_root
    dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")" 2>/dev/null || true)
    case "$dotnet_root" in
        ""|/root/*|/home/*)
            echo "install.sh: no .NET runtime outside /root and /home (found: '${dotnet_root:-none}');" \
                 "the hardened service could not run. Install the dotnet runtime package, or use the default Native AOT build." >&2
            exit 1 ;;
    esac
    if ! ls -d "$dotnet_root"/shared/Microsoft.AspNetCore.App/10.* >/dev/null 2>&1; then
        echo "install.sh: $dotnet_root has no Microsoft.AspNetCore.App 10.x runtime; use --self-contained" >&2
        exit 1
    fi
}

install_daemon() {
    if [ "$publish" = yes ]; then
        [ -z "$from" ] || { echo "install.sh: --from needs --no-publish" >&2; exit 64; }
        work_dir=$(mktemp -d)
        trap 'rm -rf "$work_dir"' EXIT
        from=$work_dir/publish
        publish_daemon "$from"
    fi
    [ -n "$from" ] || { echo "install.sh: --no-publish needs --from DIR" >&2; exit 64; }
    [ -x "$from/chatdaemon" ] || { echo "install.sh: $from/chatdaemon is not an executable" >&2; exit 66; }
    check_runtime "$from"

    local lib unit_target config
    lib=$(target "$lib_dir")
    unit_target=$(target "$unit_dir")
    config=$(target "$config_dir")

    # Replace the whole directory so files of an older version do not linger.
    rm -rf "$lib.new"
    install -d -m 0755 "$lib.new"
    cp -R "$from"/. "$lib.new"/
    # Symbols stay out of the installed tree (a Native AOT .dbg is larger than the daemon).
    find "$lib.new" \( -name '*.pdb' -o -name '*.dbg' \) -delete
    chmod -R u=rwX,go=rX "$lib.new"
    chmod 0755 "$lib.new/chatdaemon"
    install -m 0755 "$script_dir/chatdaemon-reload" "$lib.new/chatdaemon-reload"
    rm -rf "$lib"
    mv "$lib.new" "$lib"

    install -d -m 0755 "$unit_target"
    for unit in "${units[@]}"; do
        install -m 0644 "$script_dir/$unit" "$unit_target/$unit"
    done

    # The unit says MemoryDenyWriteExecute=yes (systemd.exec(5)), which only a build without a JIT can run
    # under: a JIT build gets a drop-in that turns it off, a native one loses an older drop-in.
    local jit_dropin="$unit_target/chatdaemon.service.d/jit.conf"
    if is_native "$lib"; then
        rm -f "$jit_dropin"
        rmdir "$unit_target/chatdaemon.service.d" 2>/dev/null || true
    else
        install -d -m 0755 "$unit_target/chatdaemon.service.d"
        printf '%s\n' "# Written by install.sh: this build uses the JIT, which maps writable and executable memory" \
            "# and may set thread affinity (@resources)." \
            "[Service]" "MemoryDenyWriteExecute=no" "SystemCallFilter=@resources" > "$jit_dropin"
        chmod 0644 "$jit_dropin"
    fi

    # The service's system user (sysusers.d(5)); systemd-sysusers creates it now, and again at boot if lost.
    install -d -m 0755 "$(target /usr/lib/sysusers.d)"
    install -m 0644 "$script_dir/chatdaemon.sysusers" "$(target /usr/lib/sysusers.d)/chatdaemon.conf"
    systemd-sysusers --root="$root" "$(target /usr/lib/sysusers.d)/chatdaemon.conf"

    install -d -m 0755 "$config"
    if [ ! -e "$config/chatdaemon.json" ]; then
        install -m 0644 "$script_dir/chatdaemon.json" "$config/chatdaemon.json"
    fi

    if systemd_running; then
        systemctl daemon-reload
        # A running daemon keeps the old binary until restarted; say so rather than restart it.
        if systemctl is-active --quiet chatdaemon.service; then
            echo "chatdaemon.service is running the previous version: systemctl restart chatdaemon.service"
        fi
    fi
    echo "ChatDaemon installed in $lib_dir; enable with: systemctl enable --now chatdaemon.socket"
}

case "$action" in
    install) install_daemon ;;
    uninstall) uninstall ;;
esac
