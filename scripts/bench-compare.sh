#!/usr/bin/env bash
# Times strata against kube-score on the same synthetic inventory and prints a markdown table
# of wall time and peak resident memory.
#
#   scripts/bench-compare.sh                 # 10,000 workloads, 3 runs of each command
#   WORKLOADS=2000 RUNS=5 scripts/bench-compare.sh
#
# The inventory comes from cmd/synth (deterministic for SEED) and is scanned twice: as one file
# and split into 100 files. kube-score is installed, pinned, into .cache/bin. Both tools exit
# non-zero when they find something; that is expected and tolerated, any other failure is not.
set -euo pipefail

WORKLOADS=${WORKLOADS:-10000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
SPLIT=${SPLIT:-100}
KUBE_SCORE_VERSION=${KUBE_SCORE_VERSION:-v1.20.0}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '%s\n' "$*" >&2; }
die() { log "bench-compare: $*"; exit 1; }

ensure_time() {
	[[ -x /usr/bin/time ]] && return
	command -v apt-get >/dev/null || die "/usr/bin/time is missing and apt-get is not available; install GNU time"
	local sudo=()
	[[ $(id -u) -eq 0 ]] || sudo=(sudo)
	log "installing GNU time with apt-get"
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq time >/dev/null
}

# seconds converts GNU time's elapsed "h:mm:ss" or "m:ss.ss" to seconds.
seconds() {
	awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }' <<<"$1"
}

# median prints the middle value of its numeric arguments (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure LABEL INPUT OKCODES CMD... runs CMD $RUNS times under /usr/bin/time -v and appends a
# table row. OKCODES is a space-separated list of acceptable exit codes.
rows=()
measure() {
	local label=$1 input=$2 ok=$3
	shift 3
	local walls=() cpus=() rss=0 i rc
	for ((i = 1; i <= RUNS; i++)); do
		rc=0
		/usr/bin/time -v -o "$tmp/time.txt" "$@" >/dev/null 2>"$tmp/stderr.txt" || rc=$?
		if [[ " $ok " != *" $rc "* ]]; then
			log "$label on $input exited $rc:"
			tail -n 20 "$tmp/stderr.txt" >&2
			die "unexpected exit code $rc from: $*"
		fi
		local wall kb user sys
		user=$(sed -n 's/^[[:space:]]*User time (seconds): //p' "$tmp/time.txt")
		sys=$(sed -n 's/^[[:space:]]*System time (seconds): //p' "$tmp/time.txt")
		wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time.*): //p' "$tmp/time.txt")
		kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
		[[ -n $wall && -n $kb && -n $user && -n $sys ]] || die "could not read /usr/bin/time output for $label"
		walls+=("$(seconds "$wall")")
		cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')")
		if ((kb > rss)); then rss=$kb; fi
		log "  $label, $input, run $i: $(seconds "$wall") s wall, ${cpus[-1]} s CPU, $((kb / 1024)) MiB (exit $rc)"
	done
	rows+=("| \`$label\` | $input | $(median "${walls[@]}") s ($(IFS=/; echo "${walls[*]}")) | $(median "${cpus[@]}") s | $((rss / 1024)) MiB |")
}

ensure_time
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

log "building strata and synth"
go build -o bin/strata ./cmd/strata
go build -o "$tmp/synth" ./cmd/synth

log "installing kube-score $KUBE_SCORE_VERSION into .cache/bin"
GOBIN="$root/.cache/bin" go install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
kube_score="$root/.cache/bin/kube-score"

log "generating $WORKLOADS workloads (seed $SEED)"
mkdir -p "$tmp/one"
"$tmp/synth" -workloads "$WORKLOADS" -others 0 -seed "$SEED" -out "$tmp/one/inventory.yaml"
"$tmp/synth" -workloads "$WORKLOADS" -others 0 -seed "$SEED" -files "$SPLIT" -out "$tmp/split"
split_files=("$tmp"/split/*.yaml)
size_mib=$(du -m "$tmp/one/inventory.yaml" | cut -f1)
lines=$(wc -l <"$tmp/one/inventory.yaml")
one="$WORKLOADS workloads, 1 file"
many="$WORKLOADS workloads, ${#split_files[@]} files"

log "timing $RUNS runs of each command"
measure "strata scan --format json -o /dev/null DIR" "$one" "0 1" \
	bin/strata scan --format json -o /dev/null "$tmp/one"
measure "strata scan --format json -o /dev/null DIR" "$many" "0 1" \
	bin/strata scan --format json -o /dev/null "$tmp/split"
measure "kube-score score --output-format ci FILES..." "$one" "0 1" \
	"$kube_score" score --output-format ci "$tmp/one/inventory.yaml"
measure "kube-score score --output-format ci FILES..." "$many" "0 1" \
	"$kube_score" score --output-format ci "${split_files[@]}"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "### strata vs kube-score ($(date -u +%Y-%m-%d))"
echo
echo "Input: \`go run ./cmd/synth -workloads $WORKLOADS -others 0 -seed $SEED\`, ${size_mib} MiB, $lines lines;"
echo "kube-score $KUBE_SCORE_VERSION; $(go version | cut -d' ' -f3); ${cpu:-unknown CPU}, $(nproc) cores."
echo "Wall time and CPU time (user + system) are medians of $RUNS runs, all wall times in brackets;"
echo "peak RSS is the largest of the runs. On a shared machine CPU time is the steadier figure."
echo
echo "| command | input | wall time | CPU time | peak RSS |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
