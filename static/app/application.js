// Module scripts only run in browsers that GOV.UK Frontend supports, so marking the body
// here (rather than in an inline script) keeps the page free of inline JavaScript.
import { initAll as initGovuk } from "./govuk-frontend.min.js";
import { initAll as initMoj } from "./moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();
