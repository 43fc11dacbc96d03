#!/usr/bin/env bash
# Runs the README's walkthrough exactly as written and checks every answer it shows, so that the
# documentation cannot drift from the program.
#
#   tests/walkthrough/readme_walkthrough.sh README.md path/to/taskshare
#
# The walkthrough is the README's one fenced block opened by "```sh walkthrough". Each line of it is a
# command, except comment lines: a line "#> TEXT" is one line that the command above it must print
# (the lines it prints are compared one for one, and a command followed by no "#>" line must print
# nothing), where "…" stands for any text (an id, say); other comments are for the reader. Every
# command must exit 0 (pipelines with pipefail). A command ending in "&" (the server) runs in the
# background, and the next command starts once 127.0.0.1:8080 accepts connections.
#
# The commands run one after the other in this one bash process (so variables such as KEY carry over),
# in a fresh temporary folder holding build/taskshare (a link to the binary under test), so the
# server's SQLite database is new. Where a network namespace can be made (unshare -rn: root, or
# unprivileged user namespaces), everything runs in one of its own, whose loopback port 8080 nothing
# else can hold; elsewhere on the machine's loopback, where port 8080 must be free. The server and any
# other background command are stopped on exit.
#
# Exit status: 0 when every command passed; 1 naming the first command that failed, with what it
# printed and what the README shows; 2 for wrong arguments.
set -uo pipefail

readonly wt_port=8080

if (($# != 2)); then
  echo "usage: $0 README.md TASKSHARE_BINARY" >&2
  exit 2
fi
wt_readme=$(realpath "$1")
wt_bin=$(realpath "$2")
[[ -f $wt_readme && -x $wt_bin ]] || {
  echo "readme_walkthrough: $1 is not a file or $2 is not an executable" >&2
  exit 2
}

# Into a network namespace of our own, once.
if [[ -z ${WALKTHROUGH_NETNS:-} ]]; then
  if unshare -rn true 2>/dev/null; then
    WALKTHROUGH_NETNS=private exec unshare -rn bash "$0" "$wt_readme" "$wt_bin"
  fi
  WALKTHROUGH_NETNS=host
fi
if [[ $WALKTHROUGH_NETNS == private ]]; then
  ip link set lo up || {
    echo "readme_walkthrough: cannot bring up the loopback interface of the network namespace" >&2
    exit 1
  }
fi

fail() {
  echo "readme_walkthrough: $*" >&2
  exit 1
}

# The block's lines, between its opening fence and the next fence.
wt_lines=()
wt_in=0
wt_found=0
while IFS= read -r wt_line || [[ -n $wt_line ]]; do
  if ((wt_in)); then
    [[ $wt_line == '```'* ]] && break
    wt_lines+=("$wt_line")
  elif [[ $wt_line == '```sh walkthrough' ]]; then
    wt_in=1
    wt_found=$((wt_found + 1))
  fi
done <"$wt_readme"
((wt_found == 1)) || fail "$wt_readme has no block opened by \"\`\`\`sh walkthrough\""
(( $(grep -c '^```sh walkthrough$' "$wt_readme") == 1 )) || fail "$wt_readme has more than one walkthrough block"

# Commands, each with the lines it must print.
wt_cmds=()
wt_expects=()
wt_cmd=""
for wt_line in "${wt_lines[@]}"; do
  if [[ -n $wt_cmd && $wt_cmd == *\\ ]]; then  # a continued line
    wt_cmds[-1]="${wt_cmd%\\}"$'\n'"$wt_line"
    wt_cmd=${wt_cmds[-1]}
  elif [[ $wt_line == '#> '* || $wt_line == '#>' ]]; then
    ((${#wt_cmds[@]})) || fail "an expected output line comes before any command: $wt_line"
    wt_line=${wt_line#'#>'}
    wt_expects[-1]+="${wt_line# }"$'\n'
  elif [[ $wt_line =~ ^[[:space:]]*(#.*)?$ ]]; then
    continue
  else
    wt_cmds+=("$wt_line")
    wt_expects+=("")
    wt_cmd=$wt_line
  fi
done
((${#wt_cmds[@]})) || fail "the walkthrough block holds no command"

# Whether `line` matches the README's `expected`, where "…" stands for any text: the pieces between
# the "…"s must appear in order, the first at the start and the last at the end. (Quoted, so that
# nothing in them is read as a pattern.)
matches() {
  local rest=$1 expected=$2 piece
  [[ $expected == *"…"* ]] || {
    [[ $rest == "$expected" ]]
    return
  }
  piece=${expected%%"…"*}
  expected=${expected#*"…"}
  [[ $rest == "$piece"* ]] || return 1
  rest=${rest:${#piece}}
  while [[ $expected == *"…"* ]]; do
    piece=${expected%%"…"*}
    expected=${expected#*"…"}
    [[ $rest == *"$piece"* ]] || return 1
    rest=${rest#*"$piece"}
  done
  [[ $rest == *"$expected" ]]
}

wait_for_port() {
  local _
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$wt_port") 2>/dev/null && return 0
    jobs -r | grep -q . || return 1
    sleep 0.05
  done
  return 1
}

wt_dir=$(mktemp -d -t taskshare-walkthrough.XXXXXX)
cleanup() {
  local pid
  for pid in $(jobs -p); do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$wt_dir"
}
trap cleanup EXIT
mkdir -p "$wt_dir/build" "$wt_dir/.out"
ln -s "$wt_bin" "$wt_dir/build/taskshare"
cd "$wt_dir" || fail "cannot enter $wt_dir"

if [[ $WALKTHROUGH_NETNS == host ]] && (exec 3<>"/dev/tcp/127.0.0.1/$wt_port") 2>/dev/null; then
  fail "port $wt_port is in use, and no network namespace could be made to run the walkthrough apart"
fi

echo "walkthrough of $wt_readme: ${#wt_cmds[@]} commands (network namespace: $WALKTHROUGH_NETNS)"
wt_wait_port=0
for wt_i in "${!wt_cmds[@]}"; do
  wt_cmd=${wt_cmds[$wt_i]}
  if ((wt_wait_port)); then
    if ! wait_for_port; then
      tail -n 20 -- *.log ".out/$((wt_i - 1)).err" >&2 2>/dev/null
      fail "nothing listens on 127.0.0.1:$wt_port after: ${wt_cmds[wt_i - 1]}"
    fi
    wt_wait_port=0
  fi
  if [[ $wt_cmd =~ [^\&]\&[[:space:]]*(#.*)?$ ]]; then
    eval "$wt_cmd" >".out/$wt_i.out" 2>".out/$wt_i.err"
    wt_wait_port=1
    echo "  ok (background) $wt_cmd"
    continue
  fi
  eval "$wt_cmd" >".out/$wt_i.out" 2>".out/$wt_i.err"
  wt_rc=$?
  wt_ok=1
  ((wt_rc == 0)) || wt_ok=0
  mapfile -t wt_got_lines <".out/$wt_i.out"
  wt_want_lines=()
  # (A here-string, not a process substitution, which would change $! for the commands after.)
  [[ -n ${wt_expects[$wt_i]} ]] && mapfile -t wt_want_lines <<<"${wt_expects[$wt_i]%$'\n'}"
  ((${#wt_got_lines[@]} == ${#wt_want_lines[@]})) || wt_ok=0
  if ((wt_ok)); then
    for wt_k in "${!wt_want_lines[@]}"; do
      matches "${wt_got_lines[$wt_k]}" "${wt_want_lines[$wt_k]}" || wt_ok=0
    done
  fi
  if ((!wt_ok)); then
    {
      echo "readme_walkthrough: this command of the README's walkthrough failed (exit $wt_rc):"
      echo "  $wt_cmd"
      echo "it printed:"
      cat ".out/$wt_i.out"
      echo "the README shows:"
      printf '%s' "${wt_expects[$wt_i]}"
      echo "its stderr:"
      cat ".out/$wt_i.err"
    } >&2
    exit 1
  fi
  echo "  ok $wt_cmd"
done
echo "walkthrough passed"
