/* The receipt slip's print button (dossiers/dossier_slip.html), as a file: the Content Security
   Policy allows no inline script. */
document.getElementById("print-slip").addEventListener("click", function () { window.print(); });
