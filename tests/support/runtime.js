/**
 * Jest's runtime with a V8 code cache shared by the test files of one worker.
 *
 * Jest gives every test file a module registry of its own, so every file compiles the app and
 * its libraries (express, mongoose, the driver, ...) again: `vm.compileFunction` uses no cache.
 * Here a module is compiled through `vm.Script`, whose code cache (taken after the file ran, so
 * it holds the functions that ran too) the worker's later files reuse. Each file still runs its
 * own fresh copy of every module: only V8's compiled code is shared, never a module's state.
 */
const crypto = require('node:crypto');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;

/** sha1 of the wrapped source → V8 code cache, for this worker's later files. */
const codeCache = new Map();

class CodeCachingRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    if (!executor || typeof executor.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) return; // another jest: its own compile
    const original = executor.compile.bind(executor);
    /** Scripts this file compiled without a cache: their cache is taken at teardown. */
    this.uncached = [];
    executor.compile = (source, filename) => {
      const context = executor.environment.getVmContext();
      if (context == null || executor.resolution.isCoreModule(filename)) return original(source, filename);
      // Same line 1 as the module (the parameters are prepended on it): source maps still match lines.
      const wrapped = `(function (${executor.injectedModuleParameters.join(', ')}) {${source}\n})`;
      const key = crypto.createHash('sha1').update(wrapped).digest('base64');
      const cachedData = codeCache.get(key);
      let script;
      try {
        script = new vm.Script(wrapped, {
          filename,
          cachedData,
          importModuleDynamically: (specifier, _script, importAttributes, phase) =>
            executor.dynamicImport(specifier, filename, context, importAttributes, phase),
        });
      } catch {
        return original(source, filename); // a syntax error: jest's own message
      }
      if (cachedData && script.cachedDataRejected) codeCache.delete(key);
      if (!cachedData || script.cachedDataRejected) this.uncached.push([key, script]);
      return script.runInContext(context);
    };
  }

  teardown() {
    for (const [key, script] of this.uncached ?? []) {
      if (!codeCache.has(key)) codeCache.set(key, script.createCachedData());
    }
    if (this.uncached) this.uncached.length = 0;
    super.teardown();
  }
}

module.exports = CodeCachingRuntime;
