// Builds the design-system assets into static/dist (git-ignored) from node_modules, so no
// third-party file is ever committed. Run by `make install`; safe to run repeatedly.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "static", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const moj = join(root, "node_modules", "@ministryofjustice", "frontend", "moj");

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "assets"), { recursive: true });

// GOV.UK images and fonts first, then MoJ's images on top (MoJ adds icons, overrides none).
cpSync(join(govuk, "assets"), join(dist, "assets"), { recursive: true });
cpSync(join(moj, "assets"), join(dist, "assets"), { recursive: true });

for (const [dir, file] of [
  [govuk, "govuk-frontend.min.js"],
  [moj, "moj-frontend.min.js"],
]) {
  cpSync(join(dir, file), join(dist, file));
  // The bundles end with a sourceMappingURL comment; Django's manifest storage
  // refuses to collect a file whose map is missing.
  cpSync(join(dir, `${file}.map`), join(dist, `${file}.map`));
}

// Chart.js for the steering dashboard (its UMD build defines window.Chart).
const charts = join(root, "node_modules", "chart.js", "dist");
cpSync(join(charts, "chart.umd.min.js"), join(dist, "chart.umd.min.js"));
cpSync(join(charts, "chart.umd.min.js.map"), join(dist, "chart.umd.min.js.map"));

const css = sass.compile(join(root, "static", "src", "application.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  logger: sass.Logger.silent,
});
writeFileSync(join(dist, "application.css"), css.css);
console.log(`Built front-end assets into ${dist}`);
