/* Show the times the server sends in UTC in the reader's own time zone.
 * A <time datetime="...Z" data-form="datetime|time|date"> reads "19 Sept 2023, 13:04 UTC"
 * without script; this rewrites its text in local time and keeps the UTC time as a tooltip.
 * The first use of the browser's time zone data costs tens of milliseconds, so the rewrite
 * waits for the first frame: the page is ready (DOMContentLoaded) without it. */
(function () {
  "use strict";
  performance.mark("localtime-start");
  const FORMS = {
    datetime: { dateStyle: "medium", timeStyle: "short" },
    time: { timeStyle: "short" },
    date: { dateStyle: "medium" },
  };
  const times = document.querySelectorAll("time[data-form][datetime$='Z']");
  if (!times.length) { return; }
  requestAnimationFrame(() => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    const formats = {};
    times.forEach((el) => {
      const moment = new Date(el.getAttribute("datetime"));
      const form = FORMS[el.dataset.form] ? el.dataset.form : "datetime";
      if (Number.isNaN(moment.getTime())) { return; }
      formats[form] = formats[form] || new Intl.DateTimeFormat(undefined, FORMS[form]);
      el.title = el.textContent;
      el.textContent = formats[form].format(moment);
      el.dataset.local = zone;
    });
  });
}());
