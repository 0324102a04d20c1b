/* The review controls of a page served by `report-extract serve` (views/served.py adds them; a page
   opened as a file has none). Beside each problem: 确认, 误报, 已更正, and 撤销 where a reviewer gave
   it a verdict; beside each value: ✎ to correct it. One dialog asks for the note, or the value and
   its reason, and posts the decision with the page's token. Once the server has recorded it, the
   page is loaded again: the server renders it from its result with the decisions applied
   (review.apply), so a correction's checks, run again, show too. */
(function () {
  'use strict';
  var holder = document.getElementById('review-context');
  if (!holder) { return; }
  var ctx = JSON.parse(holder.getAttribute('data-context'));
  var VERDICTS = [['confirmed', '确认'], ['dismissed', '误报'], ['fixed', '已更正']];
  var SAID_KEY = 'report-extract-said';

  function make(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }

  // what the last decision did, said once after the page is loaded again
  var said = document.querySelector('.review-said');
  try {
    var last = sessionStorage.getItem(SAID_KEY);
    if (last && said) { sessionStorage.removeItem(SAID_KEY); said.textContent = last; said.hidden = false; }
  } catch (err) { /* storage refused: the page itself shows the decision */ }

  if (!ctx.report) { return; }

  // --- the dialog: what is decided, a value (corrections), a note or reason, the server's answer
  var dialog = make('dialog', 'review-dialog');
  dialog.setAttribute('aria-labelledby', 'review-title');
  var form = make('form');
  form.noValidate = true;  // a missing note is said in the dialog's own words, not the browser's
  var title = make('h3', null);
  title.id = 'review-title';
  var what = make('p', 'review-what');
  var valueLabel = make('label', 'review-field', '正确的值（空：表示该格没有数字）');
  var value = make('input');
  value.type = 'text';
  value.name = 'value';
  value.autocomplete = 'off';
  valueLabel.appendChild(value);
  var noteLabel = make('label', 'review-field');
  var noteSaid = make('span');
  var note = make('textarea');
  note.name = 'note';
  note.rows = 3;
  noteLabel.appendChild(noteSaid);
  noteLabel.appendChild(note);
  var error = make('p', 'review-error');
  error.setAttribute('role', 'alert');
  var buttons = make('p', 'review-buttons');
  var submit = make('button', 'review-submit', '记录');
  submit.type = 'submit';
  var cancel = make('button', 'review-cancel', '取消');
  cancel.type = 'button';
  buttons.appendChild(submit);
  buttons.appendChild(cancel);
  [title, what, valueLabel, noteLabel, error, buttons].forEach(function (n) { form.appendChild(n); });
  dialog.appendChild(form);
  document.body.appendChild(dialog);
  var pending = null;  // {url, body(), required, target}

  cancel.addEventListener('click', function () { dialog.close(); });

  function open(spec) {
    pending = spec;
    title.textContent = spec.title;
    what.textContent = spec.what || '';
    valueLabel.hidden = !spec.value;
    value.value = spec.value ? spec.value.current : '';
    noteSaid.textContent = spec.noteSaid;
    note.value = '';
    note.setAttribute('aria-required', spec.required ? 'true' : 'false');
    error.textContent = '';
    submit.disabled = false;
    dialog.showModal();
    (spec.value ? value : note).focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!pending) { return; }
    if (pending.required && !note.value.trim()) {
      error.textContent = pending.required;
      note.focus();
      return;
    }
    post(pending.url, pending.body(), pending.target);
  });

  function post(url, body, target) {
    body.page = ctx.page;
    submit.disabled = true;
    error.textContent = '';
    fetch(url, {method: 'POST', credentials: 'same-origin', cache: 'no-store',
                headers: {'Content-Type': 'application/json', 'X-Report-Extract-Token': ctx.token},
                body: JSON.stringify(body)})
      .then(function (response) {
        return response.json().catch(function () { return {error: '服务器的回答无法读取（HTTP ' + response.status + '）'}; });
      })
      .then(function (answer) {
        if (answer.error) { throw new Error(answer.error); }
        try { sessionStorage.setItem(SAID_KEY, answer.message); } catch (err) { /* shown by the page */ }
        if (target) { history.replaceState(null, '', '#' + target); }
        location.reload();
      })
      .catch(function (err) {
        var message = err && err.message ? err.message : String(err);
        if (/fetch|network/i.test(message)) { message = '无法连接 report-extract serve（它是否已停止？）'; }
        if (dialog.open) { error.textContent = message; submit.disabled = false; } else { window.alert(message); }
      });
  }

  function shown(li) {  // a problem's text as listed, without its id and controls
    var copy = li.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll('.review-actions, a.pid, .sev'), function (n) { n.remove(); });
    return copy.textContent.replace(/\s*在表中查看\s*$/, '').trim();
  }

  // --- beside each problem
  var decided = {};
  (ctx.verdicts || []).forEach(function (id) { decided[id] = true; });
  Array.prototype.forEach.call(document.querySelectorAll('ol.problems li'), function (li) {
    var pid = li.querySelector('a.pid');
    if (!pid || !pid.id) { return; }
    var id = pid.id, short = pid.textContent;
    var box = make('span', 'review-actions');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', '审核问题 ' + short);
    VERDICTS.forEach(function (pair) {
      var button = make('button', 'rv rv-' + pair[0], pair[1]);
      button.type = 'button';
      button.addEventListener('click', function () {
        open({title: pair[1] + '：问题 ' + short, what: shown(li), target: id,
              noteSaid: pair[0] === 'dismissed' ? '为何是误报（必填）' : '说明（可不填）',
              required: pair[0] === 'dismissed' ? '请写明为何是误报' : '',
              url: '/_review/verdict',
              body: function () { return {problem: id, verdict: pair[0], note: note.value}; }});
      });
      box.appendChild(button);
    });
    if (decided[id]) {
      var undo = make('button', 'rv rv-undo', '撤销');
      undo.type = 'button';
      undo.addEventListener('click', function () { post('/_review/undo', {problem: id}, id); });
      box.appendChild(undo);
    }
    li.appendChild(box);
  });

  // --- beside each value
  Array.prototype.forEach.call(document.querySelectorAll('td.v[data-key]'), function (td) {
    var key = td.getAttribute('data-key');
    var link = td.querySelector('a');
    var current = (link ? link.textContent : td.textContent).trim();
    var fix = make('button', 'fix', '✎');
    fix.type = 'button';
    fix.title = '更正此格的值';
    fix.setAttribute('aria-label', '更正 ' + key);
    fix.addEventListener('click', function () {
      open({title: '更正数值：' + key, what: (td.title || '') + '；当前值：' + (current || '空'),
            value: {current: current === '空' ? '' : current}, target: 'c-' + key,
            noteSaid: '更正的依据（必填，如“原件为12，OCR误读”）', required: '请写明更正的依据',
            url: '/_review/correct',
            body: function () { return {field: key, value: value.value, reason: note.value}; }});
    });
    td.appendChild(fix);
  });

  // --- this report's corrections, each with 撤销
  if ((ctx.corrections || []).length) {
    var list = make('div', 'review-corrections');
    list.appendChild(make('h2', null, '审核更正（' + ctx.corrections.length + '）'));
    var ul = make('ul');
    ctx.corrections.forEach(function (c) {
      var li = make('li');
      var a = make('a', null, c.label || c.field);
      a.href = '#c-' + c.field;
      li.appendChild(a);
      li.appendChild(document.createTextNode('：' + (c.value === null ? '空' : c.value) + '（原读数 ' +
        (c.read === null ? '空' : c.read) + '）' + (c.reason ? '，依据：' + c.reason : '') + ' '));
      var undo = make('button', 'rv rv-undo', '撤销');
      undo.type = 'button';
      undo.addEventListener('click', function () { post('/_review/undo', {field: c.field}, 'c-' + c.field); });
      li.appendChild(undo);
      ul.appendChild(li);
    });
    list.appendChild(ul);
    var problems = document.getElementById('problems');
    if (problems) { problems.parentNode.insertBefore(list, problems); }
  }
})();
