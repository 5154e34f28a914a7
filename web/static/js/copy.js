// Copies the text of a read-only field with a button marked data-copy="the field's id", and says so in the
// status beside it (data-copied). The button is hidden in the page and shown here, so that a browser
// without JavaScript shows no button that does nothing: the field is still there to select and copy.
(function () {
  'use strict';

  function copy(field, done) {
    field.focus();
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        if (document.execCommand('copy')) {
          done();
        }
      });
    } else if (document.execCommand('copy')) {
      done();
    }
  }

  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    if (!field) {
      return;
    }
    var status = button.parentElement.querySelector('.copy-status');
    button.hidden = false;
    button.addEventListener('click', function () {
      copy(field, function () {
        if (status) {
          status.textContent = button.getAttribute('data-copied');
        }
      });
    });
  });

  // The whole address is selected as the field takes the focus, ready to copy.
  document.querySelectorAll('input.copy-source').forEach(function (field) {
    field.addEventListener('focus', function () { field.select(); });
  });
})();
