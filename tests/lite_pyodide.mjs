// Run tests/lite_driver.py in Pyodide under Node.js: the Python, compiled to WebAssembly, that
// xlwings Lite runs main.py in. Offline: nothing is fetched, python-stdnum's wheel is unpacked
// into Pyodide's file system, as Lite installs it from requirements.txt.
// Usage: node lite_pyodide.mjs PYODIDE_DIR STDNUM_WHEEL DRIVER MAIN_PY CALLS_JSON RESULT_JSON
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheel, driver, mainPy, calls, result] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
// Python's own prints go to stderr, which the test shows when it fails.
const toStderr = (line) => process.stderr.write(`${line}\n`);
const pyodide = await loadPyodide({ stdout: toStderr, stderr: toStderr });

pyodide.FS.mkdirTree("/lite");
const files = { "stdnum.whl": wheel, "lite_driver.py": driver, "main.py": mainPy, "calls.json": calls };
for (const [name, path] of Object.entries(files)) {
  pyodide.FS.writeFile(`/lite/${name}`, readFileSync(path));
}
pyodide.runPython(`
import runpy
import sys
import types
import zipfile

zipfile.ZipFile("/lite/stdnum.whl").extractall("/lite/site")
# python-stdnum imports ssl at its top (for its online checks, which xl-idf never calls). Pyodide
# ships ssl apart and xlwings Lite fetches it from Pyodide's CDN; offline, an empty module stands in.
try:
    import ssl
except ImportError:
    sys.modules["ssl"] = types.ModuleType("ssl")
sys.argv = ["lite_driver.py", "/lite/main.py", "/lite/calls.json", "/lite/result.json",
            "--path", "/lite/site"]
runpy.run_path("/lite/lite_driver.py", run_name="__main__")
`);
writeFileSync(result, pyodide.FS.readFile("/lite/result.json"));
