/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const host = '127.0.0.1';
const port = Number.parseInt(process.env.PC_WEB_PORT ?? '', 10) || 5173;
const apiTarget = process.env.PC_API_URL ?? 'http://127.0.0.1:9000';

const serverOptions = {
  host,
  port,
  strictPort: true,
  proxy: {
    '/api': {
      target: apiTarget,
      changeOrigin: true,
    },
  },
};

export default defineConfig({
  plugins: [react()],
  // Pre-bundle every runtime dependency up front, so the dev server never
  // reloads a page mid-test after discovering one late.
  optimizeDeps: {
    include: ['react', 'react/jsx-dev-runtime', 'react-dom/client', 'react-router', 'openapi-fetch'],
  },
  server: serverOptions,
  preview: serverOptions,
  build: {
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    testTimeout: 15_000,
    unstubGlobals: true,
    // One jsdom per worker, reused across test files (each test restores its mocks and
    // globals, and renders into a fresh container): 35 s instead of two minutes.
    pool: 'threads',
    isolate: false,
    maxWorkers: availableParallelism(),
  },
});
