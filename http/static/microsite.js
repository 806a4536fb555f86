// The microsite's cart and checkout: progressive enhancement of plain forms.
// Without this script the quantity inputs and the radio buttons still work;
// the server recomputes every total.
(function () {
  "use strict";

  function shop(root) {
    var locale = root.getAttribute("data-locale") || "en-ID";
    var currency = root.getAttribute("data-currency") || "IDR";
    var fmt;
    try {
      fmt = new Intl.NumberFormat(locale, { style: "currency", currency: currency, maximumFractionDigits: 0 });
    } catch (e) {
      fmt = { format: function (n) { return currency + " " + n; } };
    }
    var products = root.querySelectorAll(".product[data-product]");
    var count = document.getElementById("cart-count");
    var total = document.getElementById("cart-total");
    var checkout = document.getElementById("checkout");

    function clamp(input) {
      var max = parseInt(input.max, 10) || 0;
      var n = parseInt(input.value, 10);
      if (isNaN(n) || n < 0) n = 0;
      if (n > max) n = max;
      input.value = String(n);
      return n;
    }

    function update() {
      var items = 0, sum = 0;
      products.forEach(function (p) {
        var input = p.querySelector(".qty-input");
        if (!input) return;
        var n = clamp(input);
        items += n;
        sum += n * (parseInt(p.getAttribute("data-price"), 10) || 0);
        var add = p.querySelector(".add");
        var steps = p.querySelectorAll(".step");
        // Before the first add only "Add to cart" shows; then the stepper.
        if (add) add.hidden = n > 0;
        steps.forEach(function (b) { b.hidden = n === 0; });
        input.classList.toggle("visually-hidden", n === 0);
      });
      count.textContent = String(items);
      total.textContent = fmt.format(sum);
      checkout.disabled = items === 0;
      document.getElementById("cart-bar").classList.toggle("empty", items === 0);
    }

    products.forEach(function (p) {
      var input = p.querySelector(".qty-input");
      if (!input) return;
      p.querySelectorAll(".step").forEach(function (b) {
        b.addEventListener("click", function () {
          input.value = String((parseInt(input.value, 10) || 0) + parseInt(b.getAttribute("data-step"), 10));
          update();
        });
      });
      var add = p.querySelector(".add");
      if (add) {
        add.addEventListener("click", function () {
          input.value = String((parseInt(input.value, 10) || 0) + 1);
          update();
        });
      }
      input.addEventListener("input", update);
    });
    update();
  }

  function checkoutForm(form) {
    var fee = document.getElementById("delivery-fee");
    var grand = document.getElementById("grand-total");
    form.querySelectorAll('input[name="delivery_method"]').forEach(function (r) {
      r.addEventListener("change", function () {
        if (!r.checked) return;
        fee.textContent = r.getAttribute("data-fee");
        grand.textContent = r.getAttribute("data-total");
      });
    });
    // One order per tap: a second submit while the first is on its way is dropped.
    form.addEventListener("submit", function (e) {
      if (form.getAttribute("data-sent")) { e.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      var b = document.getElementById("place-order");
      if (b) b.disabled = true;
    });
  }

  var root = document.getElementById("shop");
  if (root) shop(root);
  var form = document.getElementById("checkout-form");
  if (form) checkoutForm(form);
})();
