// The login page's only script (the CSP allows no inline script): shows why the last try failed.
const failed = new URLSearchParams(location.search).has('failed');
const note = document.getElementById('failed');
if (note) note.hidden = !failed;
