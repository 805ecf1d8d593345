// Copies the NL Design System CSS that the app serves from node_modules/ into
// app/static/vendor/ and writes app/static/vendor/manifest.json: per package its name, version,
// licence, the tarball's integrity from package-lock.json and the sha256 of every copied file,
// plus the stylesheets in load order and the themes (THEMA). Run by `make vendor` after
// `npm ci`; tests/web/test_vendor.py checks that manifest, files and package-lock.json agree.
// Which files: the "formatietool" key of vendor/package.json. No dependencies but node itself.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const hier = dirname(fileURLToPath(import.meta.url));
const doel = join(hier, '..', 'app', 'static', 'vendor');
const pakketJson = JSON.parse(readFileSync(join(hier, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(hier, 'package-lock.json'), 'utf8'));
const keuze = pakketJson.formatietool;
const LICENTIEBESTANDEN = ['LICENSE.md', 'LICENSE', 'LICENSE.txt'];

function sha256(pad) {
  return 'sha256-' + createHash('sha256').update(readFileSync(pad)).digest('base64');
}

function kopieer(naam, bestanden) {
  const bron = join(hier, 'node_modules', naam);
  const pkg = JSON.parse(readFileSync(join(bron, 'package.json'), 'utf8'));
  const vergrendeld = lock.packages[`node_modules/${naam}`];
  if (!vergrendeld || vergrendeld.version !== pkg.version) {
    throw new Error(`${naam}: node_modules has ${pkg.version}, package-lock.json ` +
      `${vergrendeld && vergrendeld.version}; run npm ci first`);
  }
  if (pakketJson.dependencies[naam] !== pkg.version) {
    throw new Error(`${naam}: package.json pins ${pakketJson.dependencies[naam]}, ` +
      `installed ${pkg.version}`);
  }
  const licentie = LICENTIEBESTANDEN.find((b) => existsSync(join(bron, b)));
  if (!licentie) throw new Error(`${naam}: no licence file in the package`);
  const hashes = {};
  for (const bestand of [...bestanden, licentie]) {
    const naar = join(doel, naam, bestand);
    mkdirSync(dirname(naar), { recursive: true });
    copyFileSync(join(bron, bestand), naar);
    hashes[bestand] = sha256(naar);
  }
  return {
    naam,
    versie: pkg.version,
    licentie: pkg.license,
    licentiebestand: licentie,
    integrity: vergrendeld.integrity,
    bestanden: hashes,
  };
}

rmSync(doel, { recursive: true, force: true });
const pakketten = [];
const stylesheets = [];
for (const [naam, bestanden] of Object.entries(keuze.componenten)) {
  pakketten.push(kopieer(naam, bestanden));
  stylesheets.push(...bestanden.map((b) => `${naam}/${b}`));
}
const themas = {};
for (const [thema, t] of Object.entries(keuze.themas)) {
  pakketten.push(kopieer(t.pakket, t.bestanden));
  themas[thema] = {
    pakket: t.pakket,
    klasse: t.klasse,
    omschrijving: t.omschrijving,
    stylesheets: t.bestanden.map((b) => `${t.pakket}/${b}`),
  };
}
const manifest = {
  toelichting: 'Gegenereerd door `make vendor` (vendor/kopieer.mjs); niet met de hand wijzigen.',
  pakketten,
  stylesheets,
  themas,
};
writeFileSync(join(doel, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`app/static/vendor: ${pakketten.length} packages, ${stylesheets.length} component ` +
  `stylesheets, themes ${Object.keys(themas).join(', ')}`);
