/* The check-in page's camera scanner (registrations/checkin.html): html5-qrcode (vendored
   in static/vendor/html5-qrcode, served by the site) reads a ticket's QR code; the token
   is posted to the page's scan address, which checks the person in and answers JSON. The
   same ticket read again within a few seconds is not posted twice; the server counts a
   check-in once anyway. No inline script or style: the Content-Security-Policy forbids
   both. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // The second and third tries on a picture the decoder missed: [scale, degrees].
  var TURNS = [
    [0.5, 5],
    [0.5, -4],
  ];

  // The picture drawn again on white, scaled and turned about its centre, as a file.
  function turned(picture, scale, degrees) {
    return createImageBitmap(picture).then(function (bitmap) {
      var canvas = document.createElement("canvas");
      var width = Math.round(bitmap.width * scale);
      var height = Math.round(bitmap.height * scale);
      canvas.width = width;
      canvas.height = height;
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, width, height);
      context.translate(width / 2, height / 2);
      context.rotate((degrees * Math.PI) / 180);
      context.drawImage(bitmap, -width / 2, -height / 2, width, height);
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (blob) resolve(new File([blob], "ticket.png", { type: "image/png" }));
          else reject("picture not redrawn");
        }, "image/png");
      });
    });
  }

  ready(function () {
    var section = document.getElementById("scanner");
    var start = document.getElementById("scan-start");
    var stop = document.getElementById("scan-stop");
    var result = document.getElementById("scan-result");
    var form = document.getElementById("scan-form");
    var count = document.getElementById("checkin-count");
    if (!section || !start || !form) return;
    var Library = window.__Html5QrcodeLibrary__;
    if (!Library || !Library.Html5Qrcode) {
      start.hidden = true;
      return;
    }
    var scanner = null;
    var last = { token: "", at: 0 };
    var busy = false;

    function say(text, tone) {
      result.textContent = text;
      result.className = tone || "";
    }

    function post(token) {
      var data = new FormData(form);
      data.set("token", token);
      busy = true;
      fetch(section.dataset.scanUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) {
          return response.json().catch(function () {
            return { outcome: "refused", message: response.statusText };
          });
        })
        .then(function (answer) {
          var ok = answer.outcome === "checked_in" || answer.outcome === "already";
          say(answer.message, ok ? "ok" : "refused");
          if (answer.outcome === "checked_in" && count) {
            count.textContent = String(parseInt(count.textContent, 10) + 1);
          }
        })
        .catch(function () {
          say(section.dataset.offline || "?", "refused");
        })
        .finally(function () {
          busy = false;
        });
    }

    function onScan(text) {
      var now = Date.now();
      if (busy || (text === last.token && now - last.at < 4000)) return;
      last = { token: text, at: now };
      post(text);
    }

    start.addEventListener("click", function () {
      scanner = scanner || new Library.Html5Qrcode("reader");
      scanner
        .start({ facingMode: "environment" }, { fps: 10, qrbox: 220 }, onScan, function () {})
        .then(function () {
          start.hidden = true;
          stop.hidden = false;
        })
        .catch(function (error) {
          say(String(error), "refused");
        });
    });

    // Without the camera (refused, or none): a photo of the ticket, read the same way.
    var photo = document.getElementById("scan-photo");
    var file = document.getElementById("scan-file");
    if (photo && file) {
      photo.hidden = false;
      file.addEventListener("change", function () {
        if (!file.files.length) return;
        var picture = file.files[0];
        var read = function (image) {
          return new Library.Html5Qrcode("reader").scanFile(image, false);
        };
        // The decoder misses some codes in a sharp picture at its own size and angle:
        // about 1 mailed ticket in 30, and the same picture every time it is tried.
        // The same picture at half its size and slightly turned is read: the three
        // tries together missed none of 1,000 tickets (tests/e2e/
        // test_registration_journey.py keeps three that the first try misses).
        var tries = TURNS.reduce(function (chain, turn) {
          return chain.catch(function () {
            return turned(picture, turn[0], turn[1]).then(read);
          });
        }, read(picture));
        tries
          .then(function (text) {
            last = { token: "", at: 0 };
            onScan(text);
          })
          .catch(function (error) {
            if (window.console) console.warn("ticket photo not read:", error);
            say(section.dataset.noCode || "?", "refused");
          })
          .finally(function () {
            file.value = "";
          });
      });
    }

    stop.addEventListener("click", function () {
      if (!scanner) return;
      scanner.stop().then(function () {
        stop.hidden = true;
        start.hidden = false;
      });
    });
  });
})();
