// Keeps a sandbox room's conversation current: every 2 seconds it fetches the
// conversation fragment the server renders (escaped by html/template) and
// swaps it in when it changed.
(function () {
	"use strict";
	var current = document.getElementById("conversation");
	if (!current || !window.fetch) {
		return;
	}
	var src = current.getAttribute("data-src");
	var last = "";
	function poll() {
		fetch(src, { credentials: "same-origin", headers: { "Accept": "text/html" } })
			.then(function (res) { return res.ok ? res.text() : null; })
			.then(function (html) {
				if (html === null) {
					return;
				}
				html = html.trim();
				if (html === last) {
					return;
				}
				var doc = new DOMParser().parseFromString(html, "text/html");
				var next = doc.getElementById("conversation");
				var now = document.getElementById("conversation");
				if (next && now) {
					now.replaceWith(document.adoptNode(next));
					last = html;
					window.scrollTo(0, document.body.scrollHeight);
				}
			})
			.catch(function () {})
			.finally(function () { setTimeout(poll, 2000); });
	}
	setTimeout(poll, 2000);
})();
