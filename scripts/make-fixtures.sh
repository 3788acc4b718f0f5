#!/usr/bin/env bash
# Writes the tiny real media files that tests/media/ probes, into tests/fixtures/media/.
#
# Every file comes from ffmpeg's generated sources (tones, noise, test pictures), never from
# recordings, so the script needs nothing but ffmpeg. Flags aim at reproducible bytes:
# -fflags +bitexact / -flags +bitexact keep encoder version strings out, -map_metadata -1
# drops the source's tags, -threads 1 keeps x264 and libvpx output deterministic.
#
# The true duration of each file (what we asked ffmpeg for) goes into durations.json, which
# the tests compare our probe against. The "hard" files (VBR MP3 without Xing header, WebM
# without Duration element, video-only M4V) are 20-30 s long so that a wrong estimate is off by
# more than the 0.5 s the tests allow.
#
# Usage: bash scripts/make-fixtures.sh   (or: npm run fixtures)
#        bash scripts/make-fixtures.sh masters   (only the masters for `netcaster encode`)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/tests/fixtures/media"
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# --- Masters for `netcaster encode` (tests/encode/) --------------------------------------------
# Speech from espeak-ng over a quiet tone bed, deliberately too quiet (about -30 LUFS), so the
# loudness normalisation has work to do; a test pattern with sound; and an audio-only master for
# a show with a video feed. FLAC and a lossless-ish MKV keep them a few seconds and tiny.
masters() {
  local dir="$root/tests/fixtures/masters"
  mkdir -p "$dir"
  local text='Welcome to the fixture show. This is a test of netcaster encode, with a tone underneath.'
  espeak-ng -v en -s 190 -w "$tmp/speech.wav" "$text"
  # Speech and a 220 Hz bed mixed, then turned down to about -30 LUFS (measured, then fixed here).
  local bed="sine=frequency=220:sample_rate=22050:duration=5"
  ff -i "$tmp/speech.wav" -f lavfi -i "$bed" -filter_complex \
    "[0:a]aresample=22050,apad=whole_dur=5[s];[1:a]aresample=22050,volume=0.05[b];[s][b]amix=inputs=2:duration=first:normalize=0,volume=-9dB" \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact -ac 1 -c:a flac "$dir/speech-mono.flac"
  # Stereo: the speech on both sides, the bed a little to the right.
  ff -i "$dir/speech-mono.flac" -filter_complex "[0:a]pan=stereo|c0=0.9*c0|c1=c0[a]" -map '[a]' \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact -c:a flac "$dir/speech-stereo.flac"
  # A short video master: a test pattern with the stereo speech (x264 at high quality, as a
  # podcaster's export would be; AAC in MKV as many editors write it).
  ff -f lavfi -i "testsrc2=size=320x180:rate=25:duration=4" -i "$dir/speech-stereo.flac" \
    -map 0:v -map 1:a -t 4 "${exact[@]}" -c:v libx264 -preset veryfast -crf 30 -pix_fmt yuv420p \
    -c:a flac "$dir/video.mkv"
}
if [[ "${1:-}" == masters ]]; then
  exact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 -threads 1)
  masters
  du -sh "$root/tests/fixtures/masters"
  exit 0
fi

# Reproducible output: no encoder strings, no copied metadata, one thread.
exact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -map_metadata -1 -threads 1)
# Tiny video: 160x90 test picture at 10 frames/s.
video() { echo "testsrc2=size=160x90:rate=10:duration=$1"; }
# Speech-band tone; audio that varies over time (so VBR frame sizes vary) is built per file.
tone() { echo "sine=frequency=440:sample_rate=22050:duration=$1"; }
x264=(-c:v libx264 -preset veryfast -crf 38 -pix_fmt yuv420p -g 50)
aac=(-c:a aac -b:a 24k -ac 1 -ar 22050)

# --- MP3 -------------------------------------------------------------------------------------

# Good CBR MP3 with ID3v2 tags and ID3 CHAP chapters (ffmpeg writes CHAP frames from the
# [CHAPTER] sections of an ffmetadata file: https://ffmpeg.org/ffmpeg-formats.html#Metadata-2).
cat >"$tmp/chapters.txt" <<'EOF'
;FFMETADATA1
title=Fixture Episode
artist=Netcaster Tests
album=Fixture Show
date=2024
[CHAPTER]
TIMEBASE=1/1000
START=0
END=2000
title=Opening
[CHAPTER]
TIMEBASE=1/1000
START=2000
END=6000
title=The Main Part
EOF
ff -f lavfi -i "$(tone 6)" -i "$tmp/chapters.txt" -map 0:a -map_metadata 1 -map_chapters 1 \
  -fflags +bitexact -flags:a +bitexact -threads 1 \
  -c:a libmp3lame -b:a 32k -ac 1 -id3v2_version 3 "$out/good-cbr.mp3"

# VBR sources: quiet tone, then loud noise, then tone again. A VBR encoder spends few bits on
# the tone and many on the noise, so the first frame's bitrate says nothing about the rest.
vbr_source() { # $1 = seconds of each of the three parts
  echo "sine=frequency=300:sample_rate=22050:duration=$1[a];anoisesrc=color=pink:sample_rate=22050:amplitude=0.5:seed=42:duration=$1[b];sine=frequency=600:sample_rate=22050:duration=$1[c];[a][b][c]concat=n=3:v=0:a=1"
}

# VBR MP3 with a Xing header (LAME writes one by default): 3 x 4 s.
ff -filter_complex "$(vbr_source 4)" "${exact[@]}" -c:a libmp3lame -q:a 6 -ac 1 "$out/vbr-xing.mp3"

# VBR MP3 WITHOUT a Xing header: only a frame-by-frame scan gives its duration. 3 x 9 s.
ff -filter_complex "$(vbr_source 9)" "${exact[@]}" -c:a libmp3lame -q:a 4 -ac 1 -write_xing 0 \
  "$out/vbr-no-xing.mp3"

# --- Wrong files under right names -----------------------------------------------------------

# AAC audio in an MP4 (M4A) container, named .mp3.
ff -f lavfi -i "$(tone 3)" "${exact[@]}" "${aac[@]}" -f mp4 -movflags +faststart "$out/aac-in-mp4.mp3"

# An audio-only MP4 named .m4v (a video format).
ff -f lavfi -i "$(tone 3)" "${exact[@]}" "${aac[@]}" -f mp4 -movflags +faststart "$out/audio-only.m4v"

# A WebM (Opus audio) named .mp3.
ff -f lavfi -i "$(tone 3)" "${exact[@]}" -c:a libopus -b:a 16k -ac 1 -f webm "$out/webm-named.mp3"

# A text file named .mp3.
printf 'This is not audio.\nIt is a text file that someone renamed to .mp3.\n' >"$out/text.mp3"

# An empty file.
: >"$out/empty.mp3"

# --- MP4 / M4V -------------------------------------------------------------------------------

# Good fast-start M4V: H.264 + AAC, moov before mdat, with iTunes-style tags and chapters
# (ffmpeg writes a QuickTime chapter track and a Nero chpl box from [CHAPTER] sections).
cat >"$tmp/m4v-chapters.txt" <<'EOF'
;FFMETADATA1
title=Fixture Video
artist=Netcaster Tests
album=Fixture Show
[CHAPTER]
TIMEBASE=1/1000
START=0
END=1500
title=Intro
[CHAPTER]
TIMEBASE=1/1000
START=1500
END=4000
title=Demo
EOF
ff -f lavfi -i "$(video 4)" -f lavfi -i "$(tone 4)" -i "$tmp/m4v-chapters.txt" -map 0:v -map 1:a \
  -map_metadata 2 -map_chapters 2 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact -threads 1 \
  "${x264[@]}" "${aac[@]}" -shortest -f mp4 -movflags +faststart -brand M4V "$out/good-faststart.m4v"

# The same without faststart: ffmpeg writes moov after mdat.
ff -f lavfi -i "$(video 4)" -f lavfi -i "$(tone 4)" "${exact[@]}" "${x264[@]}" "${aac[@]}" \
  -shortest -f mp4 -brand M4V "$out/moov-at-end.m4v"

# Video-only M4V (no audio track), 25 s.
ff -f lavfi -i "$(video 25)" "${exact[@]}" "${x264[@]}" -f mp4 -movflags +faststart -brand M4V \
  "$out/video-only.m4v"

# A truncated M4V: the fast-start file cut in half, so mdat claims more bytes than are there.
size=$(stat -c %s "$out/good-faststart.m4v")
head -c $((size / 2)) "$out/good-faststart.m4v" >"$out/truncated.m4v"

# --- WebM ------------------------------------------------------------------------------------

# Good WebM: VP9 + Opus, with Duration and Cues.
ff -f lavfi -i "$(video 4)" -f lavfi -i "$(tone 4)" "${exact[@]}" \
  -c:v libvpx-vp9 -b:v 40k -deadline realtime -cpu-used 8 -c:a libopus -b:a 16k -ac 1 \
  -shortest -f webm "$out/good.webm"

# WebM WITHOUT a Duration element, as OBS and browsers' MediaRecorder write: a non-seekable
# output (a pipe) leaves Duration and Cues out. VP8 + Opus, 25 s.
ff -f lavfi -i "$(video 25)" -f lavfi -i "$(tone 25)" "${exact[@]}" \
  -c:v libvpx -b:v 30k -deadline realtime -cpu-used 8 -c:a libopus -b:a 16k -ac 1 \
  -shortest -f webm pipe:1 >"$out/no-duration.webm"

# --- Other containers, for the container and MIME mapping ------------------------------------

ff -f lavfi -i "$(tone 1)" "${exact[@]}" -c:a libopus -b:a 16k -ac 1 "$out/tone.opus"
ff -f lavfi -i "sine=frequency=440:sample_rate=8000:duration=1" "${exact[@]}" -c:a flac "$out/tone.flac"
ff -f lavfi -i "sine=frequency=440:sample_rate=8000:duration=1" "${exact[@]}" -c:a pcm_s16le "$out/tone.wav"

masters

# --- True durations --------------------------------------------------------------------------

cat >"$out/durations.json" <<'EOF'
{
  "good-cbr.mp3": 6,
  "vbr-xing.mp3": 12,
  "vbr-no-xing.mp3": 27,
  "aac-in-mp4.mp3": 3,
  "audio-only.m4v": 3,
  "webm-named.mp3": 3,
  "good-faststart.m4v": 4,
  "moov-at-end.m4v": 4,
  "video-only.m4v": 25,
  "good.webm": 4,
  "no-duration.webm": 25,
  "tone.opus": 1,
  "tone.flac": 1,
  "tone.wav": 1
}
EOF

du -sh "$out"
