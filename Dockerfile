# Multi-stage build: dependencies and the SvelteKit build in one stage, a slim runtime after.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/prisma-generate.js && npx svelte-kit sync && npx vite build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
# A fixed, numeric user: Kubernetes' runAsNonRoot can only verify a numeric USER, and
# deploy/k8s runs the pods as this uid (10001).
RUN groupadd --system --gid 10001 roster && useradd --system --uid 10001 --gid roster --home /app roster
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/prisma ./prisma
# server.js serves the app; worker.js runs background jobs (docker-compose's and deploy/k8s's worker).
COPY --from=build /app/package.json /app/server.js /app/worker.js ./
RUN mkdir -p /app/.data && chown roster:roster /app/.data
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "server.js"]
