import { defineConfig } from 'vite';

// The widget ships as one ES module, `widget.js`, plus lazy chunks (other locales) beside it.
export default defineConfig({
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    lib: { entry: 'src/widget/index.ts', formats: ['es'], fileName: () => 'widget.js' },
    minify: true,
    rolldownOptions: {
      // Let the entry export what the lazy chunks share with it, instead of splitting the shared
      // modules into a third file that the first paint would have to fetch.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Vite's library mode leaves whitespace in ES output; minify the chunks themselves.
        minify: true,
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
