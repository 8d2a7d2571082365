/* Progressive enhancement for the survey form; the form works fully without it.
   - keeps the answers in sessionStorage (per form key) so a network failure loses nothing;
   - moves focus to the error summary after a refused submit;
   - guards against double submits (the server stores one response anyway);
   - keeps the progress line ("5 dari 9 terjawab") live;
   - kiosk: a form left idle for 3 minutes is replaced by a fresh one. */
(function () {
  'use strict';
  var store = null;
  try {
    store = window.sessionStorage;
  } catch (e) {
    store = null;
  }
  var form = document.getElementById('survey-form');
  var summary = document.getElementById('error-summary') || document.getElementById('problem');
  if (summary) summary.focus();

  if (document.querySelector('[data-clear-answers]') && store) {
    for (var i = store.length - 1; i >= 0; i--) {
      var k = store.key(i);
      if (k && k.indexOf('skm-form:') === 0) store.removeItem(k);
    }
  }
  if (!form) return;
  var key = 'skm-form:' + form.getAttribute('data-store');

  function save() {
    if (!store) return;
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'hidden' || el.name === 'website') return;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) return;
      data[el.name] = el.value;
    });
    try {
      store.setItem(key, JSON.stringify(data));
    } catch (e) {
      /* storage full or disabled */
    }
  }

  function restore() {
    var raw = store && store.getItem(key);
    if (!raw) return;
    var data;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      return;
    }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in data) || el.type === 'hidden') return;
      if (el.type === 'radio') {
        if (!form.querySelector('input[name="' + el.name + '"]:checked')) el.checked = el.value === data[el.name];
      } else if (!el.value) el.value = data[el.name];
    });
  }

  // "5 dari 9 terjawab", live: the server wrote it as plain text; this keeps it current.
  var progress = document.getElementById('progress');
  function updateProgress() {
    if (!progress) return;
    var names = {};
    Array.prototype.forEach.call(form.querySelectorAll('.sf-q input[type=radio]'), function (el) {
      names[el.name] = names[el.name] || el.checked;
    });
    var total = Object.keys(names).length;
    var answered = Object.keys(names).filter(function (n) {
      return names[n];
    }).length;
    var text = progress.getAttribute('data-template').replace('{answered}', answered).replace('{total}', total);
    if (progress.textContent !== text) progress.textContent = text;
  }

  restore();
  updateProgress();
  form.addEventListener('change', save);
  form.addEventListener('input', save);
  form.addEventListener('change', updateProgress);

  var sending = false;
  form.addEventListener('submit', function (ev) {
    save();
    if (sending) {
      ev.preventDefault();
      return;
    }
    sending = true;
    setTimeout(function () {
      sending = false;
    }, 8000);
  });

  if (form.querySelector('input[name="kiosk"]')) {
    var idle;
    var reset = function () {
      clearTimeout(idle);
      idle = setTimeout(function () {
        if (store) store.removeItem(key);
        window.location.href = form.getAttribute('action') + '?kiosk=1';
      }, 180000);
    };
    ['input', 'change', 'click', 'keydown', 'touchstart'].forEach(function (t) {
      document.addEventListener(t, reset, { passive: true });
    });
    reset();
  }
})();
