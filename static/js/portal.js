// The client portal's behaviour. Everything works without it (plain forms and full page
// loads); with it, uploads show a progress bar and the checklist updates in place. No inline
// scripts or handlers: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // The client switcher submits when a client is chosen (the Switch button stays for
  // keyboard users and for browsers without this script).
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form && field.value) {
      if (field.form.requestSubmit) field.form.requestSubmit(); else field.form.submit();
    }
  });

  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // --- uploads against a request item ----------------------------------------------------

  function parts(form) {
    return {
      zone: form.querySelector("[data-drop-zone]"),
      input: form.querySelector('input[type="file"]'),
      progress: form.querySelector("[data-upload-progress]"),
      status: form.querySelector("[data-upload-status]"),
      button: form.querySelector("[data-upload-button]"),
    };
  }

  function say(form, text, isError) {
    const status = parts(form).status;
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function finish(form) {
    const p = parts(form);
    form.removeAttribute("data-busy");
    if (p.zone) p.zone.classList.remove("is-uploading");
    if (p.progress) p.progress.hidden = true;
    if (p.button) p.button.disabled = false;
  }

  // Put the returned checklist in place of the current one, announce what happened to the
  // files and move focus to that list, so keyboard and screen-reader users land on it.
  function swapChecklist(html, itemId) {
    const current = document.querySelector("[data-checklist]");
    const template = document.createElement("template");
    template.innerHTML = html;
    const fresh = template.content.querySelector("[data-checklist]");
    if (!current || !fresh) return false;
    current.replaceWith(fresh);
    const item = document.getElementById(itemId);
    const results = item && item.querySelector("[data-upload-results]");
    const announcer = document.getElementById("upload-announcer");
    if (results) {
      if (announcer) announcer.textContent = results.textContent.replace(/\s+/g, " ").trim();
      results.focus();
    } else if (item) {
      item.scrollIntoView({ block: "nearest" });
    }
    return true;
  }

  function upload(form) {
    const p = parts(form);
    if (form.hasAttribute("data-busy")) return;
    if (!p.input || !p.input.files || p.input.files.length === 0) {
      say(form, "Choose at least one file to upload.", true);
      return;
    }
    const item = form.closest("[id^='item-']");
    const count = p.input.files.length;
    const data = new FormData(form);
    const request = new XMLHttpRequest();
    form.setAttribute("data-busy", "");
    if (p.zone) p.zone.classList.add("is-uploading");
    if (p.button) p.button.disabled = true;
    if (p.progress) {
      p.progress.value = 0;
      p.progress.hidden = false;
    }
    say(form, "Uploading " + count + (count === 1 ? " file…" : " files…"), false);

    request.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable || !p.progress) return;
      const percent = Math.round((event.loaded / event.total) * 100);
      p.progress.value = percent;
      p.progress.textContent = percent + "%";
      if (percent >= 100) say(form, "Checking your files…", false);
    });
    request.addEventListener("load", function () {
      finish(form);
      if (request.status === 200 && request.getResponseHeader("X-Portal-Checklist")) {
        if (swapChecklist(request.responseText, item ? item.id : "")) return;
      }
      // The view's own refusals (a request that is complete or cancelled) are plain text.
      const type = request.getResponseHeader("Content-Type") || "";
      if (request.status >= 400 && type.indexOf("text/plain") === 0 && request.responseText) {
        say(form, request.responseText, true);
        return;
      }
      if (request.status === 403) {
        say(form, "Your session has ended. Reload the page and sign in again, then upload.", true);
        return;
      }
      if (request.status === 413) {
        say(form, "These files are too large to send at once. Upload them one at a time.", true);
        return;
      }
      if (request.status === 200) {
        // Not the checklist (signed out, for one): show whatever the server wants shown.
        window.location.assign(request.responseURL || window.location.href);
        return;
      }
      say(form, "The upload did not go through (error " + request.status + "). Try again.", true);
    });
    request.addEventListener("error", function () {
      finish(form);
      say(form, "The upload did not go through: the connection was lost. Try again.", true);
    });
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.send(data);
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.matches && form.matches("form[data-upload]")) {
      event.preventDefault();
      upload(form);
    }
  });

  // Choosing files in a drop zone starts the upload straight away.
  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("form[data-upload] input[type='file']")) return;
    if (input.files && input.files.length) upload(input.form);
  });

  function zoneOf(event) {
    return event.target.closest ? event.target.closest("[data-drop-zone]") : null;
  }

  ["dragenter", "dragover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      const zone = zoneOf(event);
      if (!zone) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
      zone.classList.add("is-dragging");
    });
  });

  document.addEventListener("dragleave", function (event) {
    const zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("is-dragging");
  });

  document.addEventListener("drop", function (event) {
    const zone = zoneOf(event);
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("is-dragging");
    const form = zone.closest("form[data-upload]");
    const input = form && form.querySelector('input[type="file"]');
    if (!input || !event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    upload(form);
  });
})();
