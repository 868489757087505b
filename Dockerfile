FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends apertium apertium-eng-spa python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
CMD ["npx", "parley", "up"]
