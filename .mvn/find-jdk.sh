# shellcheck shell=sh
# Sourced by ./mvnw and ./detour: makes JAVA_HOME point at a JDK 21 or newer.
# Keeps a JAVA_HOME (or a `java` on PATH) that is already new enough; otherwise picks the
# newest JDK 21+ from the usual install locations. Fails with one clear line when none exists.

detour_java_major() { # $1 = JDK home; prints the feature version or nothing
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

detour_find_jdk() {
  detour_min=21
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(detour_java_major "$JAVA_HOME")
    [ -n "$v" ] && [ "$v" -ge "$detour_min" ] && return 0
  fi
  if [ -z "${JAVA_HOME-}" ] && command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    v=$(detour_java_major "$home")
    if [ -n "$v" ] && [ "$v" -ge "$detour_min" ]; then JAVA_HOME=$home; export JAVA_HOME; return 0; fi
  fi
  best=""; best_v=0
  for home in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
              "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$home/bin/javac" ] || continue
    v=$(detour_java_major "$home")
    [ -n "$v" ] || continue
    if [ "$v" -ge "$detour_min" ] && [ "$v" -gt "$best_v" ]; then best=$home; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "detour: no JDK $detour_min or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one or set JAVA_HOME" >&2
    return 1
  fi
  JAVA_HOME=$best; export JAVA_HOME
}

case $- in *f*) detour_noglob=1 ;; *) detour_noglob= ;; esac
set +f  # the JDK search needs globbing; mvnw runs with set -f
detour_find_jdk || exit 1
[ -z "$detour_noglob" ] || set -f
PATH="$JAVA_HOME/bin:$PATH"; export PATH
DETOUR_JAVA_MAJOR=$(detour_java_major "$JAVA_HOME"); export DETOUR_JAVA_MAJOR
# JDK 24+ warns on every start that Maven's and Kafka's libraries use sun.misc.Unsafe; allow it quietly.
DETOUR_UNSAFE_FLAG=""
# RocksDB (Kafka Streams state) loads a native library: allow that quietly too.
[ "$DETOUR_JAVA_MAJOR" -ge 24 ] && DETOUR_UNSAFE_FLAG="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
MAVEN_OPTS="${MAVEN_OPTS:-} $DETOUR_UNSAFE_FLAG"; export MAVEN_OPTS
