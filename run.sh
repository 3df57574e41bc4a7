#!/usr/bin/env bash
# run.sh - build, test, benchmark or demo "pong".
#
#   ./run.sh            demo: build if needed, start remote + local on loopback,
#                       self-check through the proxy, then run until Ctrl-C
#   ./run.sh build      mvn -B -q package -DskipTests  -> target/pong.jar
#   ./run.sh test [..]  mvn -B test [..]               (exit code = mvn's)
#   ./run.sh bench [--quick] [REGEX..]
#                       build bench/ and run the JMH suite (a few minutes), print a table
#   ./run.sh bench system [--quick] [--only direct,pong,pong-aot,ssh,floor-vt,floor-pt] [--workloads ..]
#                       whole-system bench: direct vs pong vs ssh -D through SOCKS5;
#                       prints a Markdown table, saves bench/RESULTS.md (--quick:
#                       bench/RESULTS-quick.md); installs openssh-server if missing
#   ./run.sh bench jmh [JMH options]   JMH's own command line on benchmarks.jar
#   ./run.sh aot [--seconds N]
#                       make the JDK's AOT cache target/pong.aot (Java 24+) from a training run of
#                       N s (default 30) with PONG_JAVA_OPTS; the demo then starts pong with it
#                       (through docs/deploy/pong-java, which leaves it out when it does not fit)
#   ./run.sh jdk        print the JDK (>= 21) this script would use
#   ./run.sh help       this text
#
# Environment: JAVA_HOME (used if it is a JDK >= 21), PONG_JAVA_OPTS (JVM options
# for the two pong java processes of the demo and of "bench system", split on
# whitespace; default: the small-footprint options the README recommends).
set -euo pipefail

# The small-footprint options (measured in bench/RESULTS.md, "Footprint"): Serial GC with a
# 160 MiB ceiling, so 10,000 streams fit; a fixed 24 MiB young generation with large survivor
# spaces, so bulk traffic's short-lived buffers die young instead of spreading into the old
# generation; glibc's freed native memory (the JIT's work areas) handed back every second; and no
# C2 compilation may take more than 4 MiB of work memory (Java 22+; an older JVM prints a parse error
# for it and runs on, as JDK 17 does): the big inlined compilations of the TLS and tunnel paths took 7-30 MiB each, which
# made the peak. Bulk download and upload then peak near 95 MiB RSS per half instead of 130-150.
export PONG_JAVA_OPTS="${PONG_JAVA_OPTS--XX:+UseSerialGC -Xmx160m -Xmn24m -XX:SurvivorRatio=2 -XX:TrimNativeHeapInterval=1000 -XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,*.*,4M}"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$ROOT"

MIN_JAVA=21
JVM_ROOT=${PONG_JVM_ROOT:-/usr/lib/jvm}   # where installed JDKs are searched
JAR="$ROOT/target/pong.jar"
DEMO="$ROOT/demo"
ORIGIN_LINE="pong demo origin OK"

say() { printf 'run.sh: %s\n' "$*"; }
err() { printf 'run.sh: %s\n' "$*" >&2; }
die() { err "$*"; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

# ---------------------------------------------------------------- JDK lookup

# Major version of a java binary (8 for "1.8.0_x", 21 for "21.0.5", 25 for "25"),
# empty if it cannot be run.
java_major() {
    local v
    v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1) || true
    v=${v#1.}
    printf '%s' "${v%%[!0-9]*}"
}

# Succeeds if $1 is a JDK home (java + javac) with major version >= MIN_JAVA.
is_good_jdk() {
    local home=$1 major
    [[ -n $home && -x $home/bin/java && -x $home/bin/javac ]] || return 1
    major=$(java_major "$home/bin/java")
    [[ -n $major && $major -ge $MIN_JAVA ]]
}

describe_jdk() {
    local major
    [[ -x $1/bin/java ]] || { printf 'no bin/java there'; return; }
    major=$(java_major "$1/bin/java")
    printf 'java %s' "${major:-of unknown version}"
    [[ -x $1/bin/javac ]] || printf ', no javac: not a JDK'
}

# Prints the JDK home to use, or explains where it looked and fails.
find_jdk() {
    local looked=() cand best="" best_major=0 major real java_on_path
    if [[ -n ${JAVA_HOME:-} ]]; then
        if is_good_jdk "$JAVA_HOME"; then printf '%s\n' "$JAVA_HOME"; return 0; fi
        looked+=("JAVA_HOME=$JAVA_HOME ($(describe_jdk "$JAVA_HOME"))")
    else
        looked+=("JAVA_HOME (not set)")
    fi
    if java_on_path=$(command -v java 2>/dev/null); then
        real=$(readlink -f "$java_on_path")
        cand=$(dirname "$(dirname "$real")")
        if is_good_jdk "$cand"; then printf '%s\n' "$cand"; return 0; fi
        looked+=("java on PATH: $java_on_path -> $cand ($(describe_jdk "$cand"))")
    else
        looked+=("java on PATH (none)")
    fi
    for cand in "$JVM_ROOT"/*; do
        [[ -d $cand ]] || continue
        real=$(readlink -f "$cand")
        is_good_jdk "$real" || continue
        major=$(java_major "$real/bin/java")
        if (( major > best_major )); then best=$real; best_major=$major; fi
    done
    if [[ -n $best ]]; then printf '%s\n' "$best"; return 0; fi
    looked+=("$JVM_ROOT/* (no JDK >= $MIN_JAVA)")
    {
        echo "run.sh: a JDK $MIN_JAVA or newer is needed (java and javac), but none was found."
        echo "run.sh: looked at:"
        printf 'run.sh:   - %s\n' "${looked[@]}"
        echo "run.sh: install one (e.g. 'apt-get install openjdk-21-jdk-headless') or set JAVA_HOME to it."
    } >&2
    return 1
}

use_jdk() {
    local home
    home=$(find_jdk) || exit 1
    export JAVA_HOME=$home
    export PATH="$JAVA_HOME/bin:$PATH"
    # Maven 3.8's bundled Guava triggers sun.misc.Unsafe warnings on JDK 24+.
    if (( $(java_major "$JAVA_HOME/bin/java") >= 24 )) && [[ ${MAVEN_OPTS:-} != *sun-misc-unsafe* ]]; then
        export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
    fi
}

need_mvn() {
    command -v mvn >/dev/null 2>&1 && return 0
    die "Maven ('mvn') is needed but is not on PATH; install it (Debian: 'apt-get install maven', or see https://maven.apache.org/install.html). CI's .ci/run installs it automatically."
}

# ---------------------------------------------------------------- build verbs

# Maven 3.8 writes colour resets (ESC[0m) even with -B and style.color=never; keep the terminal clean.
strip_colours() { sed -u $'s/\x1b\\[[0-9;]*m//g'; }

build() {
    need_mvn
    say "building target/pong.jar (mvn -B -q package -DskipTests) with JAVA_HOME=$JAVA_HOME"
    mvn -B -q -Dstyle.color=never package -DskipTests "$@" 2>&1 | strip_colours || die "build failed (see the Maven output above)"
    [[ -f $JAR ]] || die "build finished but $JAR is missing"
}

jar_is_stale() {
    [[ -f $JAR ]] || return 0
    [[ -n $(find src pom.xml -newer "$JAR" -print -quit 2>/dev/null) ]]
}

# ---------------------------------------------------------------- AOT cache

AOT_CACHE="$ROOT/target/pong.aot"
PONG_JAVA="$ROOT/docs/deploy/pong-java"

# What starts a pong JVM, in PONG_LAUNCHER: once ./run.sh aot made a cache, docs/deploy/pong-java, which
# adds -XX:AOTCache only on Java 24+ and for the jar the cache was made from (else starts without it);
# before that, java itself.
pong_launcher() {
    if [[ -e $AOT_CACHE ]]; then PONG_LAUNCHER=(sh "$PONG_JAVA" "$AOT_CACHE" java)
    else PONG_LAUNCHER=(java)
    fi
}

# ./run.sh aot [--seconds N]: pong's own training command with the demo's JVM options.
aot() {
    local java_opts=()
    read -r -a java_opts <<<"${PONG_JAVA_OPTS:-}"
    if jar_is_stale; then build; fi
    say "making $AOT_CACHE (java ${java_opts[*]} -jar target/pong.jar aot ...)"
    java "${java_opts[@]}" -jar "$JAR" aot "$AOT_CACHE" "$@"
}

# ---------------------------------------------------------------- demo helpers

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port START EXCLUDED... -> first port >= START that nobody listens on
pick_port() {
    local p=$1 x; shift
    for (( ; p < 65535; p++ )); do
        for x in "$@"; do [[ $p == "$x" ]] && continue 2; done
        port_in_use "$p" || { printf '%s\n' "$p"; return 0; }
    done
    die "no free loopback TCP port found from $1 upward"
}

# alive PID: running and not a zombie
alive() {
    local pid=$1 state
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 0
    [[ $state != Z ]]
}

# stop PID: SIGTERM, up to 10 s grace, then SIGKILL; reap it.
stop_pid() {
    local pid=$1 i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for (( i = 0; i < 50; i++ )); do alive "$pid" || break; sleep 0.2; done
    if alive "$pid"; then
        err "process $pid did not stop after SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# Escape a value for java.util.Properties (backslash is the escape character).
prop_escape() { local v=$1; printf '%s' "${v//\\/\\\\}"; }

# prop_get FILE KEY -> value of the first KEY=... line
prop_get() { sed -n "s/^$2[[:space:]]*=[[:space:]]*//p" "$1" | head -n 1; }

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

new_uuid() {
    if [[ -r /proc/sys/kernel/random/uuid ]]; then cat /proc/sys/kernel/random/uuid
    elif command -v uuidgen >/dev/null 2>&1; then uuidgen | tr 'A-F' 'a-f'
    else die "cannot make a client id: neither /proc/sys/kernel/random/uuid nor uuidgen is available"
    fi
}

write_remote_properties() { # RPORT PASSWORD UUID
    cat >"$DEMO/remote.properties" <<EOF
# pong demo: remote half (generated by run.sh; delete demo/ to regenerate)
mode=remote
listen=tls://127.0.0.1:$1
tls.keystore=$(prop_escape "$DEMO/remote.p12")
tls.keystore.password=$2
clients=$3
# The demo allows loopback destinations so the self-check can reach the demo
# origin on 127.0.0.1; a real deployment keeps the default "private,:25".
dst.deny=:25
EOF
    chmod 600 "$DEMO/remote.properties"
}

write_local_properties() { # LPORT RPORT UUID
    cat >"$DEMO/local.properties" <<EOF
# pong demo: local half (generated by run.sh; delete demo/ to regenerate)
mode=local
listen=127.0.0.1:$1
remote=tls://127.0.0.1:$2
client.id=$3
tls.trust=$(prop_escape "$DEMO/remote-cert.pem")
EOF
}

# Creates demo/ once (certificate, client id, ports, properties); on later runs
# reuses it, re-picking a port only if something else now listens on it.
prepare_demo() {
    local pw uuid rport lport new
    mkdir -p "$DEMO/www"
    if [[ -s $DEMO/remote.p12 && -s $DEMO/remote-cert.pem && -s $DEMO/remote.properties && -s $DEMO/local.properties ]]; then
        rport=$(prop_get "$DEMO/remote.properties" listen); rport=${rport##*:}
        lport=$(prop_get "$DEMO/local.properties" listen); lport=${lport##*:}
        [[ $rport =~ ^[0-9]+$ && $lport =~ ^[0-9]+$ ]] \
            || die "cannot read the listen ports from demo/*.properties; delete $DEMO to regenerate it"
        if port_in_use "$rport"; then
            new=$(pick_port 18443 "$lport")
            say "port $rport (remote) is busy; using $new instead"
            sed -i -e "s/^\(listen=tls:\/\/127\.0\.0\.1\):$rport\$/\1:$new/" "$DEMO/remote.properties"
            sed -i -e "s/^\(remote=tls:\/\/127\.0\.0\.1\):$rport\$/\1:$new/" "$DEMO/local.properties"
            rport=$new
        fi
        if port_in_use "$lport"; then
            new=$(pick_port 11080 "$rport")
            say "port $lport (local SOCKS5) is busy; using $new instead"
            sed -i -e "s/^\(listen=127\.0\.0\.1\):$lport\$/\1:$new/" "$DEMO/local.properties"
            lport=$new
        fi
    else
        say "creating $DEMO (self-signed certificate, client id, configs)"
        rm -f "$DEMO/remote.p12" "$DEMO/remote-cert.pem"
        pw=$(random_hex 16)
        uuid=$(new_uuid)
        rport=$(pick_port 18443)
        lport=$(pick_port 11080 "$rport")
        "$JAVA_HOME/bin/keytool" -genkeypair -noprompt \
            -alias remote -keyalg EC -groupname secp256r1 \
            -dname "CN=localhost" -ext "SAN=ip:127.0.0.1,dns:localhost" -validity 3650 \
            -storetype PKCS12 -keystore "$DEMO/remote.p12" -storepass "$pw" -keypass "$pw" \
            >"$DEMO/keytool.log" 2>&1 || { cat "$DEMO/keytool.log" >&2; die "keytool -genkeypair failed"; }
        "$JAVA_HOME/bin/keytool" -exportcert -rfc -alias remote \
            -keystore "$DEMO/remote.p12" -storepass "$pw" -file "$DEMO/remote-cert.pem" \
            >>"$DEMO/keytool.log" 2>&1 || { cat "$DEMO/keytool.log" >&2; die "keytool -exportcert failed"; }
        chmod 600 "$DEMO/remote.p12"
        write_remote_properties "$rport" "$pw" "$uuid"
        write_local_properties "$lport" "$rport" "$uuid"
    fi
    printf '<!doctype html>\n<title>pong demo origin</title>\n<p>\n%s\n</p>\n' "$ORIGIN_LINE" >"$DEMO/www/index.html"
    RPORT=$rport
    LPORT=$lport
}

# ---------------------------------------------------------------- demo

REMOTE_PID="" LOCAL_PID="" ORIGIN_PID="" SLEEP_PID="" RUNNING=0 CLEANED=0

tails() {
    local f
    for f in "$@"; do
        [[ -f $DEMO/$f ]] || continue
        echo "----- last 30 lines of demo/$f -----"
        tail -n 30 "$DEMO/$f"
    done >&2
    [[ $# -eq 0 ]] || echo "-----" >&2
}

cleanup() {
    (( CLEANED )) && return 0
    CLEANED=1
    trap '' INT TERM
    [[ -n $SLEEP_PID ]] && { kill "$SLEEP_PID" 2>/dev/null || true; wait "$SLEEP_PID" 2>/dev/null || true; }
    if [[ -n $ORIGIN_PID ]]; then stop_pid "$ORIGIN_PID"; rm -f "$DEMO/origin.pid"; fi
    if [[ -n $LOCAL_PID || -n $REMOTE_PID ]]; then
        (( RUNNING )) && say "stopping pong (local pid ${LOCAL_PID:-?}, remote pid ${REMOTE_PID:-?})"
        if [[ -n $LOCAL_PID ]]; then stop_pid "$LOCAL_PID"; rm -f "$DEMO/local.pid"; fi
        if [[ -n $REMOTE_PID ]]; then stop_pid "$REMOTE_PID"; rm -f "$DEMO/remote.pid"; fi
        (( RUNNING )) && say "stopped"
    fi
    return 0
}

on_signal() { # SIGNAME CODE-IF-INTERRUPTED-DURING-STARTUP
    echo >&2
    if (( RUNNING )); then exit 0; fi
    err "interrupted by SIG$1 during startup"
    exit "$2"
}

# wait_log NAME PID TEXT PORT LOGFILE: until the process logs TEXT (60 s max). Waiting for the
# log line rather than probing the port: a probe is a connection without a header, which
# remote rightly logs as a rejected tunnel.
wait_log() {
    local name=$1 pid=$2 text=$3 port=$4 log=$5 i rc
    for (( i = 0; i < 300; i++ )); do
        if ! alive "$pid"; then
            rc=0; wait "$pid" 2>/dev/null || rc=$?
            err "$name exited (code $rc) before listening on 127.0.0.1:$port"
            tails "$log"
            exit 1
        fi
        grep -qF "$text" "$DEMO/$log" 2>/dev/null && return 0
        sleep 0.2
    done
    err "$name (pid $pid) did not start listening on 127.0.0.1:$port within 60 s"
    tails "$log"
    exit 1
}

# Refuse to start a second demo next to one that is still running.
check_not_running() {
    local f pid
    for f in remote local; do
        [[ -f $DEMO/$f.pid ]] || continue
        pid=$(<"$DEMO/$f.pid")
        if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'pong\.jar'; then
            die "a demo seems to be running already ($f pid $pid, see demo/$f.pid); stop it first"
        fi
        rm -f "$DEMO/$f.pid"
    done
}

demo() {
    local java_opts=() origin_cmd oport out rc name pid
    command -v curl >/dev/null 2>&1 \
        || die "the demo's self-check needs 'curl' (Debian: apt-get install curl); it is not on PATH"
    read -r -a java_opts <<<"${PONG_JAVA_OPTS:-}"

    if jar_is_stale; then build; fi
    mkdir -p "$DEMO"
    check_not_running
    prepare_demo

    trap cleanup EXIT
    trap 'on_signal INT 130' INT
    trap 'on_signal TERM 143' TERM

    say "starting remote on tls://127.0.0.1:$RPORT (log: demo/remote.log)"
    pong_launcher
    "${PONG_LAUNCHER[@]}" "${java_opts[@]}" -jar "$JAR" "$DEMO/remote.properties" </dev/null >"$DEMO/remote.log" 2>&1 &
    REMOTE_PID=$!
    echo "$REMOTE_PID" >"$DEMO/remote.pid"
    wait_log "remote" "$REMOTE_PID" "remote listening on" "$RPORT" remote.log

    say "starting local on socks5://127.0.0.1:$LPORT (log: demo/local.log)"
    "${PONG_LAUNCHER[@]}" "${java_opts[@]}" -jar "$JAR" "$DEMO/local.properties" </dev/null >"$DEMO/local.log" 2>&1 &
    LOCAL_PID=$!
    echo "$LOCAL_PID" >"$DEMO/local.pid"
    wait_log "local" "$LOCAL_PID" "local listening on" "$LPORT" local.log

    # Self-check: a throw-away HTTP origin on loopback, fetched through pong.
    oport=$(pick_port 18080 "$RPORT" "$LPORT")
    if [[ -x $JAVA_HOME/bin/jwebserver ]]; then origin_cmd=("$JAVA_HOME/bin/jwebserver")
    else origin_cmd=(java -m jdk.httpserver)
    fi
    "${origin_cmd[@]}" -b 127.0.0.1 -p "$oport" -d "$DEMO/www" </dev/null >"$DEMO/origin.log" 2>&1 &
    ORIGIN_PID=$!
    echo "$ORIGIN_PID" >"$DEMO/origin.pid"
    wait_log "demo origin (jwebserver)" "$ORIGIN_PID" "URL http://" "$oport" origin.log

    rc=0
    out=$(curl -sS --max-time 10 --noproxy '' -x "socks5h://127.0.0.1:$LPORT" "http://127.0.0.1:$oport/" 2>&1) || rc=$?
    if (( rc != 0 )); then
        echo "self-check: FAILED (curl exit $rc via socks5h://127.0.0.1:$LPORT: ${out//$'\n'/ })"
        tails local.log remote.log
        exit 1
    fi
    if ! grep -qF "$ORIGIN_LINE" <<<"$out"; then
        echo "self-check: FAILED (fetched http://127.0.0.1:$oport/ through pong, but the reply lacks '$ORIGIN_LINE')"
        printf '%s\n' "----- reply (first 20 lines) -----" "$(head -n 20 <<<"$out")" >&2
        tails local.log remote.log
        exit 1
    fi
    echo "self-check: OK (fetched http://127.0.0.1:$oport/ through pong)"

    RUNNING=1
    cat <<EOF

pong is running:
  local  (SOCKS5)  127.0.0.1:$LPORT   pid $LOCAL_PID   config demo/local.properties   log demo/local.log
  remote (TLS)     127.0.0.1:$RPORT   pid $REMOTE_PID   config demo/remote.properties  log demo/remote.log
  demo origin      127.0.0.1:$oport   pid $ORIGIN_PID   serves demo/www/

Try it (the first works without internet; the demo's remote may dial loopback, a real one refuses):
  curl -x socks5h://127.0.0.1:$LPORT http://127.0.0.1:$oport/
  curl -x http://127.0.0.1:$LPORT https://example.com/
  java -jar target/pong.jar check demo/local.properties

Press Ctrl-C (or send SIGTERM to pid $$) to stop both halves.
EOF
    while alive "$REMOTE_PID" && alive "$LOCAL_PID"; do
        sleep 1 &
        SLEEP_PID=$!
        wait "$SLEEP_PID" || true
        SLEEP_PID=""
    done
    RUNNING=0
    for name in remote local; do
        if [[ $name == remote ]]; then pid=$REMOTE_PID; else pid=$LOCAL_PID; fi
        if ! alive "$pid"; then
            rc=0; wait "$pid" 2>/dev/null || rc=$?
            err "pong $name (pid $pid) exited unexpectedly (code $rc); stopping the other half"
            tails "$name.log"
        fi
    done
    exit 1
}

# ---------------------------------------------------------------- bench

BENCH_JAR="$ROOT/bench/target/benchmarks.jar"

build_bench() {
    [[ -f bench/pom.xml ]] || die "the benchmarks are not there (no bench/pom.xml)"
    need_mvn
    # bench/ uses the main project (and its test support) from the local Maven repository.
    say "building target/pong.jar and bench/target/benchmarks.jar (mvn install -DskipTests; mvn -f bench/pom.xml package)"
    mvn -B -q -Dstyle.color=never install -DskipTests 2>&1 | strip_colours || die "build failed (see the Maven output above)"
    mvn -B -q -Dstyle.color=never -f bench/pom.xml package 2>&1 | strip_colours || die "benchmark build failed (see the Maven output above)"
}

# The ssh -D column needs sshd and ssh; installs them when missing. Prints why it cannot, or nothing.
ssh_unavailable() {
    [[ -x /usr/sbin/sshd ]] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 && return 0
    if ! command -v apt-get >/dev/null 2>&1; then echo "sshd/ssh missing and no apt-get to install openssh-server"; return 0; fi
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { echo "sshd/ssh missing; installing needs root (no sudo)"; return 0; }
        sudo=(sudo -n)
    fi
    say "installing openssh-server and openssh-client for the ssh -D column (log: bench/target/apt.log)" >&2
    mkdir -p bench/target
    if ! { DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -q \
            && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends openssh-server openssh-client; } \
            >bench/target/apt.log 2>&1; then
        echo "apt-get install openssh-server openssh-client failed (see bench/target/apt.log)"
        return 0
    fi
    [[ -x /usr/sbin/sshd ]] || echo "openssh-server installed but /usr/sbin/sshd is missing"
}

bench() {
    local java_opts=() why
    # JMH 1.37 uses sun.misc.Unsafe, which JDK 24+ warns about unless allowed.
    if (( $(java_major "$JAVA_HOME/bin/java") >= 24 )); then java_opts+=(--sun-misc-unsafe-memory-access=allow); fi
    build_bench
    case ${1:-} in
        system)
            shift
            why=$(ssh_unavailable)
            if [[ -n $why ]]; then
                say "ssh -D column will be skipped: $why"
                set -- --skip-ssh "$why" "$@"
            fi
            exec java "${java_opts[@]}" -cp "$BENCH_JAR" pong.bench.SystemBench --root "$ROOT" \
                --command "./run.sh bench system${*:+ $*}" "$@"
            ;;
        jmh)
            shift
            exec java "${java_opts[@]}" -jar "$BENCH_JAR" "$@"
            ;;
        *)
            exec java "${java_opts[@]}" -cp "$BENCH_JAR" pong.bench.JmhSuite "$@"
            ;;
    esac
}

# ---------------------------------------------------------------- main

verb=${1:-}
[[ $# -gt 0 ]] && shift
case $verb in
    help|-h|--help) usage; exit 0 ;;
    ""|jdk|build|test|bench|aot) ;;
    *) err "unknown verb '$verb' (try: ./run.sh help)"; exit 2 ;;
esac

use_jdk

case $verb in
    "")    demo ;;
    jdk)   printf '%s\n' "$JAVA_HOME" ;;
    build) build "$@" ;;
    test)  need_mvn; exec mvn -B -Dstyle.color=never test "$@" ;;
    bench) bench "$@" ;;
    aot)   aot "$@" ;;
esac
