// netcaster pages, progressive enhancement: every page works without this script.
// It adds: the video / audio-only switch (remembered in localStorage), chapter links that seek
// the player, the current chapter highlighted, and "Copy" buttons for feed URLs.
(function () {
  'use strict';
  var MODE_KEY = 'netcaster.player.mode';

  function remembered() {
    try {
      return window.localStorage.getItem(MODE_KEY);
    } catch (e) {
      return null;
    } // storage may be blocked
  }
  function remember(mode) {
    try {
      window.localStorage.setItem(MODE_KEY, mode);
    } catch (e) {
      /* private mode: not remembered */
    }
  }

  var root = document.querySelector('[data-player]');
  var video = root && root.querySelector('video');
  var audio = root && root.querySelector('audio');
  var switcher = root && root.querySelector('[data-player-switch]');
  var mode = video ? 'video' : 'audio';

  function active() {
    return mode === 'audio' ? audio : video;
  }

  function setMode(next, carryOver) {
    var from = active();
    mode = next;
    var to = active();
    root.querySelectorAll('[data-panel]').forEach(function (panel) {
      panel.hidden = panel.getAttribute('data-panel') !== mode;
    });
    switcher.querySelectorAll('[data-mode]').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-mode') === mode));
    });
    if (carryOver && from && to && from !== to) {
      var playing = !from.paused;
      var time = from.currentTime;
      from.pause();
      if (time > 0) to.currentTime = time;
      if (playing) to.play();
    }
  }

  if (video && audio && switcher) {
    switcher.hidden = false;
    var label = root.querySelector('.player-label');
    if (label) label.hidden = true; // the switch says it now
    setMode(remembered() === 'audio' ? 'audio' : 'video', false);
    switcher.addEventListener('click', function (event) {
      var button = event.target.closest('[data-mode]');
      if (!button) return;
      var next = button.getAttribute('data-mode');
      remember(next);
      setMode(next, true);
    });
  }

  // Chapters: seek the player instead of opening the media file.
  var chapterLinks = Array.prototype.slice.call(document.querySelectorAll('[data-start]'));
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('[data-start]');
    var player = active();
    if (!link || !player) return;
    event.preventDefault();
    player.currentTime = Number(link.getAttribute('data-start'));
    var started = player.play();
    if (started && started.catch) started.catch(function () {});
    player.focus();
  });

  function markChapter() {
    var player = active();
    if (!player || !chapterLinks.length) return;
    var t = player.currentTime;
    var current = null;
    chapterLinks.forEach(function (a) {
      if (Number(a.getAttribute('data-start')) <= t + 0.25) current = a;
    });
    chapterLinks.forEach(function (a) {
      if (a === current) a.setAttribute('aria-current', 'true');
      else a.removeAttribute('aria-current');
    });
  }
  [video, audio].forEach(function (p) {
    if (p) p.addEventListener('timeupdate', markChapter);
  });

  // Copy buttons for feed URLs.
  var status = document.querySelector('.copy-status');
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    var input = document.getElementById(button.getAttribute('data-copy'));
    if (!input) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      function done(ok) {
        if (status) status.textContent = ok ? 'Feed URL copied.' : 'Select the URL and copy it.';
      }
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () {
            done(true);
          },
          function () {
            done(false);
          },
        );
      } else {
        var ok = false;
        try {
          ok = document.execCommand('copy');
        } catch (e) {
          ok = false;
        }
        done(ok);
      }
    });
  });
})();
