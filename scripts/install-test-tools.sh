#!/usr/bin/env bash
# Installs the Debian packages the tests and the sample-show scripts use. Run once, as root.
#   ffmpeg, espeak-ng, sox      make and inspect real media (fixtures, sample show)
#   libxml2-utils               xmllint: feeds and pages must be well-formed
#   python3-podcastparser,      real podcast clients' feed parsers (gPodder's, Universal Feed Parser)
#   python3-feedparser
#   gpodder                     gpo, a real podcast app, subscribes and downloads in the tests
#   chromium, fonts-dejavu-core a real browser plays episodes in the tests
#   nginx-light, wrk            the baseline in `npm run bench`, and the load generator for its media figure
#   wget                        the baseline for `netcaster import` in `npm run bench`
#   postgresql                  the download-count store's tests run against a real server
#   goaccess                    the baseline for `stats import` in `npm run bench`
#   php-cli, php-getid3         the baseline for a cold MP3-only `build` in `npm run bench` (PHP + getID3)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq ffmpeg espeak-ng sox libxml2-utils python3-podcastparser python3-feedparser \
  gpodder chromium fonts-dejavu-core nginx-light wrk wget postgresql goaccess php-cli php-getid3 >/dev/null
