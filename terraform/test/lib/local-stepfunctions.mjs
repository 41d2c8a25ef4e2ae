// aws-local-stepfunctions, the local executor of the hour pipeline's definition (state-machine.test.mjs and
// execute-state-machine.mjs). Its 3.0.0 (the only release served) declares node >= 22 for Promise.withResolvers alone;
// the policy tests run on node >= 20, so supply it (the ES2024 definition) when missing. The library calls it only
// while a machine runs, after this module has been evaluated.
Promise.withResolvers ??= function withResolvers() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export { StateMachine } from 'aws-local-stepfunctions';
