// Asks before a form whose act cannot be undone is posted: a form marked data-confirm="question" opens a
// dialog with the question and its two answers (data-confirm-yes, data-confirm-no); "yes" posts the form
// with confirm=yes, which the server requires. Without this script the server asks on a page of its
// own, so the portal works the same without JavaScript.
(function () {
  'use strict';

  function post(form) {
    var yes = form.querySelector('input[type="hidden"][name="confirm"][value="yes"]');
    if (!yes) {
      yes = document.createElement('input');
      yes.type = 'hidden';
      yes.name = 'confirm';
      yes.value = 'yes';
      form.appendChild(yes);
    }
    form.submit(); // fires no submit event: the question is not asked twice
  }

  function button(text, className, value, dialog) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    if (className) {
      b.className = className;
    }
    b.addEventListener('click', function () { dialog.close(value); });
    return b;
  }

  function ask(form) {
    var question = form.getAttribute('data-confirm');
    if (typeof HTMLDialogElement !== 'function') {
      if (window.confirm(question)) {
        post(form);
      }
      return;
    }
    var dialog = document.createElement('dialog');
    dialog.className = 'confirm-dialog';
    dialog.setAttribute('aria-labelledby', 'confirm-dialog-question');
    var text = document.createElement('p');
    text.id = 'confirm-dialog-question';
    text.textContent = question;
    var actions = document.createElement('div');
    actions.className = 'actions';
    var yes = button(form.getAttribute('data-confirm-yes') || 'OK', form.hasAttribute('data-confirm-danger') ? 'danger' : '', 'yes', dialog);
    var no = button(form.getAttribute('data-confirm-no') || 'Cancel', 'secondary', 'no', dialog);
    no.autofocus = true; // the safe answer has the focus
    actions.append(yes, no);
    dialog.append(text, actions);
    dialog.addEventListener('close', function () {
      var confirmed = dialog.returnValue === 'yes';
      dialog.remove();
      if (confirmed) {
        post(form);
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.hasAttribute('data-confirm')) {
      e.preventDefault();
      ask(form);
    }
  });
})();
