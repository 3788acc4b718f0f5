#!/usr/bin/env bash
# Writes the sample show, VirtZine (a netcast about virtualization and cloud computing), into
# episodes/: show.yaml, artwork, and two episodes, each with its manifest, show notes and the
# same 15-20 s programme as M4V (H.264 + AAC), WebM (VP9 + Opus) and MP3 (ID3 tags).
#
# Everything in episodes/ comes from here, so edit this script rather than the files it writes,
# then run it again: bash scripts/make-sample-show.sh   (or: npm run sample)
#
# The programme: a spoken intro (espeak-ng, one chunk per chapter, padded with sox) over a
# title card (ffmpeg drawtext on a coloured background, the current chapter at the bottom).
# Episode 46 has chapters twice: chapters.json (Podcast Index JSON chapters 1.2.0,
# https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/examples/chapters/jsonChapters.md)
# and ID3 CHAP frames in its MP3 (ffmpeg writes them from [CHAPTER] sections of an ffmetadata
# file: https://ffmpeg.org/ffmpeg-formats.html#Metadata-2). Episode 47 has a WebVTT transcript
# and its own artwork. Chapter and cue times come from the measured length of each spoken chunk.
#
# Reproducible bytes where the tools allow: -fflags +bitexact / -flags +bitexact keep encoder
# version strings out, -map_metadata -1 drops copied tags (ours are set explicitly), -threads 1
# keeps x264 and libvpx deterministic, sox -D turns dithering off, sharp writes no metadata.
#
# Needs: ffmpeg (libx264, libvpx-vp9, libopus, libmp3lame, drawtext), espeak-ng, sox, node with
# the project's node_modules (sharp, for the artwork). Ends by checking every file with ffprobe.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
show="$root/episodes"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
[ -f "$font" ] || { echo "make-sample-show: $font is missing (Debian: fonts-dejavu-core)" >&2; exit 1; }
for tool in ffmpeg ffprobe espeak-ng sox soxi node; do
  command -v "$tool" >/dev/null || { echo "make-sample-show: $tool is not installed" >&2; exit 1; }
done

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
exact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -threads 1)

show_title="VirtZine"
show_author="The VirtZine Crew"

mkdir -p "$show"

# --- show.yaml and artwork ---------------------------------------------------------------------

cat >"$show/show.yaml" <<'EOF'
# The sample show. Written by scripts/make-sample-show.sh: edit the script, then run it again.
title: VirtZine
description: >-
  VirtZine is a netcast about virtualization and cloud computing: hypervisors, containers,
  storage and the clouds they run in, with the news of the week explained in plain words.
author: The VirtZine Crew
language: en-US
baseUrl: https://virtzine.example
artwork: artwork.jpg
owner:
  name: The VirtZine Crew
  email: host@virtzine.example
categories: [Technology]
explicit: false
type: episodic
copyright: © 2014 The VirtZine Crew
feeds:
  video:
    title: VirtZine - Video Netcasts
    description: Every episode as video (M4V, with WebM as an alternate).
    enclosure: m4v
    alternates: [webm]
  audio:
    title: VirtZine - Audio Netcasts
    description: Every episode as audio only (MP3).
    enclosure: mp3
EOF

# artwork.svg -> 1400 px JPEG (sRGB, no alpha: Apple's rules). $1 output, $2 background,
# $3 accent, $4 big line, $5 small line. Flat shapes keep the JPEG small.
draw_artwork() {
  (cd "$root" && node -e '
    const sharp = require("sharp");
    const [out, bg, accent, big, small] = process.argv.slice(1);
    const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    // Three stacked "virtual machines" on a host: the show in one picture.
    const vm = (y, w) => `<rect x="${700 - w / 2}" y="${y}" width="${w}" height="120" rx="24" fill="${accent}"/>` +
      `<circle cx="${700 - w / 2 + 60}" cy="${y + 60}" r="22" fill="${bg}"/>`;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1400" height="1400">
      <rect width="1400" height="1400" fill="${bg}"/>
      ${vm(250, 560)}${vm(400, 680)}${vm(550, 800)}
      <rect x="220" y="700" width="960" height="40" rx="20" fill="#ffffff"/>
      <text x="700" y="980" text-anchor="middle" font-family="DejaVu Sans" font-weight="bold" font-size="200" fill="#ffffff">${esc(big)}</text>
      <text x="700" y="1120" text-anchor="middle" font-family="DejaVu Sans" font-size="64" fill="${accent}">${esc(small)}</text>
    </svg>`;
    sharp(Buffer.from(svg)).flatten({ background: bg }).jpeg({ quality: 80, mozjpeg: true }).toFile(out)
      .catch((err) => { console.error(err); process.exit(1); });
  ' "$@")
}
draw_artwork "$show/artwork.jpg" "#0f2a47" "#f2a541" "VirtZine" "Virtualization & Cloud Computing"

# --- one episode -------------------------------------------------------------------------------
# make_episode NUMBER SLUG TITLE DATE COLOUR; the chapters (title + spoken text) are in the
# arrays chapter_titles and chapter_texts; the episode.yaml and notes.md are written by the
# caller before (they are plain text), the media, chapters and transcript here.
make_episode() {
  local number="$1" slug="$2" title="$3" date="$4" colour="$5"
  local dir="$show/$slug" base work
  base="virtzine-$(printf '%03d' "$number")"
  work="$tmp/$slug"
  mkdir -p "$dir" "$work"

  # Speech, one chunk per chapter, each padded to a whole number of seconds (>= 0.6 s of air).
  local starts=() ends=() t=0 i len slot
  for i in "${!chapter_texts[@]}"; do
    espeak-ng -v en-us -s 165 -w "$work/raw-$i.wav" "${chapter_texts[$i]}"
    len="$(soxi -D "$work/raw-$i.wav")"
    slot="$(awk -v l="$len" 'BEGIN { s = int(l + 0.6) + 1; print s }')"
    sox -V1 -D "$work/raw-$i.wav" "$work/chunk-$i.wav" pad 0.2 "$slot" trim 0 "$slot"
    starts+=("$t")
    t=$((t + slot))
    ends+=("$t")
  done
  local duration="$t"
  sox -D "$work"/chunk-*.wav "$work/speech.wav"

  # Title card: show name, number, title; the current chapter's title along the bottom.
  printf '%s' "$show_title" >"$work/show.txt"
  printf '#%s' "$number" >"$work/number.txt"
  printf '%s' "$title" >"$work/title.txt"
  local card="drawtext=fontfile=$font:textfile=$work/show.txt:expansion=none:fontsize=18:fontcolor=white@0.8:x=16:y=14"
  card+=",drawtext=fontfile=$font:textfile=$work/number.txt:expansion=none:fontsize=56:fontcolor=white:x=(w-tw)/2:y=44"
  # Long titles get a smaller size, so they stay inside the 320 px card.
  local title_size=$(( ${#title} > 18 ? 440 / ${#title} : 24 ))
  card+=",drawtext=fontfile=$font:textfile=$work/title.txt:expansion=none:fontsize=$title_size:fontcolor=white:x=(w-tw)/2:y=110"
  card+=",drawbox=x=0:y=146:w=iw:h=34:color=black@0.35:t=fill"
  for i in "${!chapter_titles[@]}"; do
    printf '%s' "${chapter_titles[$i]}" >"$work/chapter-$i.txt"
    card+=",drawtext=fontfile=$font:textfile=$work/chapter-$i.txt:expansion=none:fontsize=15:fontcolor=white:x=(w-tw)/2:y=155"
    card+=":enable='gte(t,${starts[$i]})*lt(t,${ends[$i]})'"
  done

  local tags=(-metadata "title=$title" -metadata "artist=$show_author" -metadata "album=$show_title"
    -metadata "track=$number" -metadata "date=${date:0:4}" -metadata "genre=Podcast")
  local picture=(-f lavfi -i "color=c=$colour:s=320x180:r=10:d=$duration")

  # M4V: H.264 + AAC, moov first so playback starts before the whole file has arrived.
  ff "${picture[@]}" -i "$work/speech.wav" -map 0:v -map 1:a -vf "$card" \
    -c:v libx264 -preset slow -tune stillimage -crf 30 -pix_fmt yuv420p -g 50 \
    -c:a aac -b:a 48k -ac 1 -ar 44100 -t "$duration" \
    "${exact[@]}" -map_metadata -1 "${tags[@]}" -movflags +faststart "$dir/$base.m4v"

  # WebM: VP9 + Opus.
  ff "${picture[@]}" -i "$work/speech.wav" -map 0:v -map 1:a -vf "$card" \
    -c:v libvpx-vp9 -b:v 0 -crf 45 -deadline good -cpu-used 4 -row-mt 0 -g 50 -pix_fmt yuv420p \
    -c:a libopus -b:a 32k -ac 1 -ar 48000 -t "$duration" \
    "${exact[@]}" -map_metadata -1 "${tags[@]}" "$dir/$base.webm"

  # MP3: CBR, ID3v2.3 tags (the version most players read), a small cover, and a Xing/LAME
  # header; chapters as ID3 CHAP frames when the episode has a chapters.json.
  local chapter_args=() tag_source=(-map_metadata -1) cover="$work/cover.jpg"
  (cd "$root" && node -e 'require("sharp")(process.argv[1]).resize(300).jpeg({ quality: 75, mozjpeg: true }).toFile(process.argv[2])' \
    "$episode_artwork" "$cover")
  if [ "$with_chapters" = yes ]; then
    {
      echo ';FFMETADATA1'
      for i in "${!chapter_titles[@]}"; do
        printf '[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n' \
          "$((starts[i] * 1000))" "$((ends[i] * 1000))" "${chapter_titles[$i]}"
      done
    } >"$work/chapters.ffmeta"
    # Chapter titles are chapter metadata: take the metadata from this file (it has no global
    # tags) instead of dropping all of it with -map_metadata -1.
    chapter_args=(-f ffmetadata -i "$work/chapters.ffmeta" -map_chapters 2)
    tag_source=(-map_metadata 2)
  fi
  ff -i "$work/speech.wav" -i "$cover" "${chapter_args[@]}" -map 0:a -map 1:v \
    -c:a libmp3lame -b:a 48k -ac 1 -ar 44100 -c:v copy -disposition:v attached_pic \
    -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)" \
    "${exact[@]}" "${tag_source[@]}" "${tags[@]}" -id3v2_version 3 -write_xing 1 "$dir/$base.mp3"

  if [ "$with_chapters" = yes ]; then
    # Podcast Index JSON chapters, version 1.2.0.
    {
      printf '{\n  "version": "1.2.0",\n  "chapters": [\n'
      for i in "${!chapter_titles[@]}"; do
        [ "$i" -gt 0 ] && printf ',\n'
        printf '    { "startTime": %d, "endTime": %d, "title": "%s" }' "${starts[$i]}" "${ends[$i]}" "${chapter_titles[$i]}"
      done
      printf '\n  ]\n}\n'
    } >"$dir/chapters.json"
  else
    rm -f "$dir/chapters.json"
  fi

  if [ "$with_transcript" = yes ]; then
    # WebVTT (https://www.w3.org/TR/webvtt1/): one cue per spoken chunk, while it is spoken.
    {
      printf 'WEBVTT\n'
      for i in "${!chapter_texts[@]}"; do
        local from to
        len="$(soxi -D "$work/raw-$i.wav")"
        from="$(awk -v s="${starts[$i]}" 'BEGIN { printf "%.3f", s + 0.2 }')"
        to="$(awk -v s="${starts[$i]}" -v l="$len" 'BEGIN { printf "%.3f", s + 0.2 + l }')"
        printf '\n%d\n%s --> %s\n<v %s>%s\n' "$((i + 1))" "$(vtt_time "$from")" "$(vtt_time "$to")" "Narrator" "${chapter_texts[$i]}"
      done
    } >"$dir/transcript.vtt"
  else
    rm -f "$dir/transcript.vtt"
  fi
}

# Seconds (decimal) -> hh:mm:ss.ttt
vtt_time() { awk -v t="$1" 'BEGIN { ms = int(t * 1000 + 0.5); printf "%02d:%02d:%02d.%03d", ms / 3600000, (ms / 60000) % 60, (ms / 1000) % 60, ms % 1000 }'; }

# --- episode 46 --------------------------------------------------------------------------------

ep="$show/046-the-mega-edition"
mkdir -p "$ep"
cat >"$ep/episode.yaml" <<'EOF'
title: The Mega Edition!
date: 2014-09-01T18:00:00-04:00
number: 46
summary: >-
  A packed week: Flocker gives Docker containers data that moves with them, VMware buys
  CloudVolumes to deliver applications as attachable disks, and the vSphere 6 beta shows
  vMotion stretching across vCenters and long distances.
guid: e5aa8513-aaee-42a2-9cfe-ecdc5b8c0c88
draft: false
media:
  m4v: virtzine-046.m4v
  webm: virtzine-046.webm
  mp3: virtzine-046.mp3
links:
  - title: Also available on YouTube
    url: https://www.youtube.com/watch?v=VirtZine046
EOF
cat >"$ep/notes.md" <<'EOF'
## This week

The mega edition earns its name: three stories that all ask the same question, namely
*where does the state live* when the machine it runs on is only a file?

## Docker learns to carry its data

Containers are easy to move as long as they keep nothing. The moment a container holds a
database, moving it means moving its disk as well, and plain Docker leaves that to you.

- **Flocker**, an open-source project from ClusterHQ, manages data volumes for Docker and
  moves a volume along with its container when the container changes hosts.
- It describes an application and where it should run in a small configuration file, so
  the same description works on a laptop and on a cluster.
- Still early days: treat it as something to try, not yet something to bet a business on.

Read more: [Docker](https://www.docker.com/) and [ClusterHQ](https://clusterhq.com/).

## VMware buys CloudVolumes

VMware agreed to buy CloudVolumes, whose trick is to keep applications on their own virtual
disks and attach them to a desktop or server in seconds instead of installing them.

1. Build an application once, on its own disk.
2. Attach that disk to as many virtual desktops as need it.
3. Update the one disk, and every desktop gets the new version at next attach.

For VDI shops this could mean fewer golden images to keep patched.

## vMotion goes the distance in vSphere 6

The vSphere 6 beta previews vMotion that crosses vCenter Server boundaries and virtual
switches, and that tolerates much longer round-trip times than before, which opens the door
to moving running machines between data centres.

- Live migration between vCenters, keeping the machine's identity and history.
- Longer-distance moves, given enough bandwidth between the sites.

See [VMware vSphere](https://www.vmware.com/products/vsphere.html) for the release as it ships.
EOF

chapter_titles=("Welcome to the Mega Edition" "Docker and Flocker" "CloudVolumes and vMotion")
chapter_texts=(
  "Welcome to VirtZine, episode forty six. This is the mega edition."
  "Flocker lets Docker containers take their data with them."
  "VMware buys CloudVolumes, and vSphere six stretches vMotion."
)
episode_artwork="$show/artwork.jpg" with_chapters=yes with_transcript=no
make_episode 46 046-the-mega-edition "The Mega Edition!" 2014-09-01 "0x1d4e89"

# --- episode 47 --------------------------------------------------------------------------------

ep="$show/047-clouds-have-outages-too"
mkdir -p "$ep"
draw_artwork "$ep/cover.jpg" "#4a1942" "#7fd1b9" "#47" "Outages, Cells and Stacks"
cat >"$ep/episode.yaml" <<'EOF'
title: Clouds Have Outages Too
date: 2014-09-15T18:00:00-04:00
number: 47
summary: >-
  What a bad day for Azure teaches about designing for failure, Jailhouse partitions a
  Linux machine into isolated cells, and VMware brings its own OpenStack distribution.
guid: 387b3fa6-2fbc-4a6b-ac49-ebf53b243345
draft: false
image: cover.jpg
media:
  m4v: virtzine-047.m4v
  webm: virtzine-047.webm
  mp3: virtzine-047.mp3
links:
  - title: Also available on YouTube
    url: https://www.youtube.com/watch?v=VirtZine047
EOF
cat >"$ep/notes.md" <<'EOF'
## The Azure outage

Microsoft Azure had a rough stretch in August, with several services unavailable across
more than one region at once. No cloud is immune, and that is the useful lesson:

- **Spread across regions**, not only across machines in one region.
- **Keep a status page that does not live on the cloud it reports on.**
- **Practise the failover**: a plan that has never run is a hope, not a plan.

Microsoft keeps a public [Azure status page](https://azure.microsoft.com/en-us/status/).

## Jailhouse: a hypervisor that mostly gets out of the way

Jailhouse, an open-source project started at Siemens, is a small partitioning hypervisor
for Linux. Instead of scheduling many guests, it splits one machine into *cells*:

| Cell | Gets | Good for |
|---|---|---|
| root cell | the Linux that booted the machine | everyday work |
| non-root cells | dedicated CPUs, memory and devices | real-time or safety-critical code |

Because cells do not share CPUs, a real-time task is not disturbed by what Linux does next
door. The code is on [GitHub](https://github.com/siemens/jailhouse).

## VMware's OpenStack

VMware announced its own OpenStack distribution, meant to run OpenStack's APIs on top of
vSphere, NSX and vSAN. The pitch: developers get the OpenStack interfaces they ask for, and
operators keep the VMware tools they already know.

- Good news for shops that have VMware and want to offer a self-service cloud.
- A question for the [OpenStack](https://www.openstack.org/) community: does it widen the
  ecosystem, or pull it toward one vendor's stack?
EOF

chapter_titles=("Welcome" "When Azure went dark" "Jailhouse and OpenStack")
chapter_texts=(
  "Welcome to VirtZine, episode forty seven."
  "Azure had a bad day. Plan for failure across regions."
  "Jailhouse splits Linux into cells, and VMware ships OpenStack."
)
episode_artwork="$ep/cover.jpg" with_chapters=no with_transcript=yes
make_episode 47 047-clouds-have-outages-too "Clouds Have Outages Too" 2014-09-15 "0x6b2d5c"

# --- check what was written --------------------------------------------------------------------

probe() { ffprobe -v error -show_entries "$2" -of default=noprint_wrappers=1:nokey=1 "$1" | paste -sd, -; }
fail() { echo "make-sample-show: $*" >&2; exit 1; }
for dir in "$show"/0*/; do
  slug="$(basename "$dir")"
  base="virtzine-${slug:0:3}"
  [ "$(probe "$dir/$base.m4v" stream=codec_name)" = "h264,aac" ] || fail "$slug: M4V is not H.264 + AAC"
  [ "$(probe "$dir/$base.webm" stream=codec_name)" = "vp9,opus" ] || fail "$slug: WebM is not VP9 + Opus"
  [ "$(probe "$dir/$base.mp3" stream=codec_name)" = "mp3,mjpeg" ] || fail "$slug: MP3 is not MP3 + cover"
  [ "$(probe "$dir/$base.mp3" format_tags=album)" = "$show_title" ] || fail "$slug: MP3 has no album tag"
  # Fast start: the first top-level box after ftyp (and any free) is moov, not mdat.
  node -e '
    const b = require("fs").readFileSync(process.argv[1]); const boxes = [];
    for (let at = 0; at + 8 <= b.length;) { const size = b.readUInt32BE(at); boxes.push(b.toString("latin1", at + 4, at + 8)); if (size < 8) break; at += size; }
    if (boxes.indexOf("moov") < 0 || boxes.indexOf("moov") > boxes.indexOf("mdat")) { console.error("boxes: " + boxes); process.exit(1); }
  ' "$dir/$base.m4v" || fail "$slug: M4V is not fast-start (moov after mdat)"
  durations=()
  for ext in m4v webm mp3; do durations+=("$(probe "$dir/$base.$ext" format=duration)"); done
  awk -v a="${durations[0]}" -v b="${durations[1]}" -v c="${durations[2]}" 'BEGIN {
    max = a; min = a; if (b > max) max = b; if (c > max) max = c; if (b < min) min = b; if (c < min) min = c;
    exit (max - min <= 0.5) ? 0 : 1 }' || fail "$slug: durations disagree: ${durations[*]}"
  echo "$slug: m4v/webm/mp3 ${durations[*]} s"
done
[ "$(probe "$show/046-the-mega-edition/virtzine-046.mp3" chapter_tags=title)" = "Welcome to the Mega Edition,Docker and Flocker,CloudVolumes and vMotion" ] || fail "046: MP3 lacks its CHAP chapters"
du -sh "$show"
