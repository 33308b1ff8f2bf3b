#!/usr/bin/env bash
# The demo chat over ABCAST (stacks/abcast-tcp.xml on 127.0.0.1), one member per terminal:
#
#   demo/chat.sh A        demo/chat.sh B        demo/chat.sh C
#
# Any further options go to the chat (demo/chat.sh --help). The first start builds the project and caches the
# classpath in target/; later starts reuse it until a source file or pom.xml changes. Runs from the repository root,
# so the defaults data/NAME (history, git-ignored) and stacks/abcast-tcp.xml resolve there. JAVA_OPTS is passed to
# the JVM, e.g. JAVA_OPTS="-Djgroups.bind_port=7810" (ports: docs/stacks.md).
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=target/chat.classpath

needs_build() {
  [[ ! -s $classpath_file || ! -f target/classes/org/jgroups/abcast/demo/Chat.class ]] && return 0
  [[ pom.xml -nt $classpath_file || -n $(find src/main -type f -newer "$classpath_file" -print -quit) ]]
}

if needs_build; then
  mkdir -p target
  exec 9>target/.chat-build.lock
  command -v flock >/dev/null && flock 9   # three chats started at once build only once
  if needs_build; then
    echo "chat: building (mvn compile)..." >&2
    mvn -q -B -Dstyle.color=never compile dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
    touch "$classpath_file"
  fi
  exec 9>&-
fi

# shellcheck disable=SC2086  # JAVA_OPTS holds several words on purpose
exec java -Djava.net.preferIPv4Stack=true ${JAVA_OPTS:-} -cp "target/classes:$(cat "$classpath_file")" \
  org.jgroups.abcast.demo.Chat "$@"
