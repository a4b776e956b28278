(function () {
  'use strict';
  var table = document.getElementById('fleet');
  if (table) {
    var body = table.tBodies[0];
    var heads = Array.prototype.slice.call(table.querySelectorAll('th[data-sort]'));
    var compare = function (a, b, key) {
      var x = a.getAttribute('data-' + key), y = b.getAttribute('data-' + key);
      return key === 'server' ? x.localeCompare(y, undefined, { numeric: true }) : Number(x) - Number(y);
    };
    var sort = function (spec) {
      var m = /^(-?)(server|worst|findings)$/.exec(spec || '');
      if (!m) { return; }
      var descending = m[1] === '-', key = m[2];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var c = compare(a, b, key);
        return c !== 0 ? (descending ? -c : c) : compare(a, b, 'server');
      });
      rows.forEach(function (row) { body.appendChild(row); });
      heads.forEach(function (h) {
        h.setAttribute('aria-sort', h.getAttribute('data-sort') === key ? (descending ? 'descending' : 'ascending') : 'none');
      });
      table.setAttribute('data-sorted', (descending ? '-' : '') + key);
    };
    var fromHash = function () {
      var m = /(?:^#|&)sort=([^&]*)/.exec(location.hash);
      if (m) { sort(decodeURIComponent(m[1])); }
    };
    heads.forEach(function (h) {
      var button = document.createElement('button');
      button.type = 'button';
      button.title = 'Sort by this column';
      while (h.firstChild) { button.appendChild(h.firstChild); }
      h.appendChild(button);
      button.addEventListener('click', function () {
        var key = h.getAttribute('data-sort'), current = table.getAttribute('data-sorted');
        // First click: server A-Z, worst and findings most first; a second click reverses.
        var descending = current === key ? true : current === '-' + key ? false : key !== 'server';
        var spec = (descending ? '-' : '') + key;
        sort(spec);
        try { history.replaceState(null, '', '#sort=' + spec); } catch (e) { /* a page opened from a file may refuse it */ }
      });
    });
    window.addEventListener('hashchange', fromHash);
    fromHash();
  }

  Array.prototype.slice.call(document.querySelectorAll('.fix')).forEach(function (fix) {
    var code = fix.querySelector('code');
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = 'Copy';
    var done = function () {
      button.textContent = 'Copied';
      setTimeout(function () { button.textContent = 'Copy'; }, 1500);
    };
    var select = function () {
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try { if (document.execCommand('copy')) { done(); } } catch (e) { /* selected: the reader copies it */ }
    };
    button.addEventListener('click', function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(code.textContent).then(done, select);
      } else {
        select();
      }
    });
    fix.appendChild(button);
  });
})();
