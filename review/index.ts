export { buildServer, type ReviewServerDeps } from './server.ts';
