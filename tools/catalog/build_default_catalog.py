#!/usr/bin/env python3
"""Builds core/src/main/resources/catalog/default-catalog.yaml from the genai-prices data set.

Usage (from the repository root):
    python3 tools/catalog/build_default_catalog.py [path/to/genai-prices-data_slim.json] [--date YYYY-MM-DD]

The data set is pydantic/genai-prices (MIT licence), file prices/data_slim.json. This script only
selects, renames and converts; every price in the output comes from the data set, converted from
US dollars per million tokens to integer micro-dollars per million tokens with exact decimal
arithmetic (no binary floating point). Choices made here, and why:

* Prices that change over time (``constraint.start_date``): the newest entry whose start date is on or
  before the build date wins, because that is the list price in force.
* Prices that depend on the time of day (DeepSeek's off-peak discount): the highest window is used,
  because the catalog states list prices and the router should not count on a discount.
* Prices tiered by prompt size (``{base, tiers}``): the base tier is used; the long-context surcharge is
  noted in a comment on the deployment. Detour prices an attempt with one price per token kind.
* Azure: the data set states that Azure falls back to OpenAI's prices for models it does not list
  (``fallback_model_providers``), so Azure deployments of OpenAI models take OpenAI's price when Azure
  has none of its own.
* Qwen (Alibaba DashScope, compatible mode): the data set has no DashScope entry; OpenRouter lists
  Alibaba's own Qwen API models at the provider's price, so those entries are used.
* vLLM and Ollama are self-hosted: price 0.
"""
import argparse
import datetime
import json
import sys
from decimal import Decimal, ROUND_HALF_UP
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = Path("/work/shared/data/prices/genai-prices-data_slim.json")
OUT = ROOT / "core/src/main/resources/catalog/default-catalog.yaml"
DATA_COMMIT = "47df840"
DATA_DATE = "2026-08-21"

# name, apiFamily, baseUrl, keyEnv, region, apiVersion, rpm, tpm, maxInFlight, timeoutMs, data-set id
PROVIDERS = [
    ("openai", "OPENAI", "https://api.openai.com/v1", "OPENAI_API_KEY", "us", None, 5000, 2000000, 256, 120000, "openai"),
    ("anthropic", "ANTHROPIC", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "us", "2023-06-01", 4000, 2000000, 256, 120000, "anthropic"),
    ("gemini", "GEMINI", "https://generativelanguage.googleapis.com", "GEMINI_API_KEY", "global", None, 2000, 4000000, 256, 120000, "google"),
    ("azure", "AZURE_OPENAI", "https://detour-example.openai.azure.com", "AZURE_OPENAI_API_KEY", "eu", "2024-10-21", 1000, 1000000, 128, 120000, "azure"),
    ("deepseek", "OPENAI_COMPATIBLE", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "cn", None, 1000, 1000000, 128, 180000, "deepseek"),
    ("qwen", "OPENAI_COMPATIBLE", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY", "sg", None, 1200, 1000000, 128, 120000, None),
    ("mistral", "OPENAI_COMPATIBLE", "https://api.mistral.ai/v1", "MISTRAL_API_KEY", "eu", None, 600, 1000000, 64, 120000, "mistral"),
    ("groq", "OPENAI_COMPATIBLE", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "us", None, 1000, 300000, 64, 60000, "groq"),
    ("together", "OPENAI_COMPATIBLE", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "us", None, 600, 1000000, 64, 120000, "together"),
    ("fireworks", "OPENAI_COMPATIBLE", "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", "us", None, 600, 1000000, 64, 120000, "fireworks"),
    ("xai", "OPENAI_COMPATIBLE", "https://api.x.ai/v1", "XAI_API_KEY", "us", None, 480, 2000000, 64, 120000, "x-ai"),
    ("openrouter", "OPENAI_COMPATIBLE", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "global", None, 1000, None, 128, 120000, "openrouter"),
    ("moonshot", "OPENAI_COMPATIBLE", "https://api.moonshot.ai/v1", "MOONSHOT_API_KEY", "cn", None, 500, 1000000, 64, 120000, "moonshotai"),
    ("zhipu", "OPENAI_COMPATIBLE", "https://open.bigmodel.cn/api/paas/v4", "ZHIPU_API_KEY", "cn", None, 500, 1000000, 64, 120000, "zhipuai"),
    ("cerebras", "OPENAI_COMPATIBLE", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY", "us", None, 900, 1000000, 64, 60000, "cerebras"),
    ("perplexity", "OPENAI_COMPATIBLE", "https://api.perplexity.ai", "PERPLEXITY_API_KEY", "us", None, 500, None, 32, 120000, "perplexity"),
    ("cohere", "OPENAI_COMPATIBLE", "https://api.cohere.ai/compatibility/v1", "COHERE_API_KEY", "us", None, 500, None, 32, 120000, "cohere"),
    ("vllm", "OPENAI_COMPATIBLE", "http://127.0.0.1:8000/v1", "VLLM_API_KEY", "local", None, None, None, 32, 300000, None),
    ("ollama", "OPENAI_COMPATIBLE", "http://127.0.0.1:11434/v1", "OLLAMA_API_KEY", "local", None, None, None, 8, 300000, None),
]

# Per provider: (data-set model id, catalog model id or None for the same, provider model or None for the same).
# The catalog model id is what makes deployments equivalent: the same id on several providers means
# the same weights, so the router may fail over between them.
SELECTION = {
    "openai": [(m, None, None) for m in [
        "gpt-5.5", "gpt-5.5-pro", "gpt-5.4", "gpt-5.4-mini", "gpt-5.4-nano", "gpt-5.4-pro", "gpt-5.3-codex",
        "gpt-5.2", "gpt-5.2-pro", "gpt-5.1", "gpt-5.1-codex-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5-pro",
        "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "gpt-4o", "gpt-4o-mini", "o3", "o3-pro", "o4-mini", "o3-mini",
        "o1", "o1-mini", "codex-mini", "gpt-4-turbo", "gpt-4", "gpt-3.5-turbo", "gpt-chat-latest"]],
    "anthropic": [(m, None, None) for m in [
        "claude-opus-5", "claude-opus-4-8", "claude-opus-4-7", "claude-opus-4-6", "claude-opus-4-5", "claude-opus-4-1",
        "claude-sonnet-5", "claude-sonnet-4-6", "claude-sonnet-4-5", "claude-sonnet-4-0", "claude-opus-4-0", "claude-haiku-4-5",
        "claude-3-7-sonnet-latest", "claude-3-5-haiku-latest", "claude-3-haiku"]],
    "gemini": [(m, None, None) for m in [
        "gemini-3.6-flash", "gemini-3.5-flash", "gemini-3.5-flash-lite", "gemini-3.1-pro-preview",
        "gemini-3.1-flash-lite", "gemini-3-pro-preview", "gemini-3-flash-preview", "gemini-2.5-pro",
        "gemini-2.5-flash", "gemini-2.5-flash-lite", "gemini-2.0-flash", "gemini-2.0-flash-lite",
        "gemma-4-31b-it", "gemma-4-26b-a4b-it"]],
    "azure": [("o3-2025-04-16", "o3", "o3"), ("o4-mini", None, None), ("o3-mini", None, None), ("o1", None, None),
              ("phi-4", None, None), ("phi-4-mini-instruct", None, None), ("phi-4-reasoning-plus", None, None),
              # Not listed for Azure in the data set: OpenAI's price applies (fallback_model_providers).
              ("openai:gpt-4.1", "gpt-4.1", "gpt-4.1"), ("openai:gpt-4.1-mini", "gpt-4.1-mini", "gpt-4.1-mini"),
              ("openai:gpt-4o", "gpt-4o", "gpt-4o"), ("openai:gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini"),
              ("openai:gpt-5", "gpt-5", "gpt-5"), ("openai:gpt-5-mini", "gpt-5-mini", "gpt-5-mini"),
              ("openai:gpt-5.4", "gpt-5.4", "gpt-5.4"), ("openai:gpt-5.4-mini", "gpt-5.4-mini", "gpt-5.4-mini")],
    "deepseek": [("deepseek-v4-pro", None, None), ("deepseek-v4-flash", None, None), ("deepseek-chat", None, None),
                 ("deepseek-reasoner", None, None), ("deepseek-v3.2", None, None), ("deepseek-v3.1-terminus", None, None)],
    "qwen": [("openrouter:qwen/" + m, m, m) for m in [
        "qwen3.7-max", "qwen3.7-plus", "qwen3.6-plus", "qwen3.6-flash", "qwen3-max", "qwen-max", "qwen-plus",
        "qwen-turbo", "qwen3-coder-plus", "qwen3-coder-flash", "qwen-vl-max", "qwen-vl-plus"]],
    "mistral": [(m, None, None) for m in [
        "mistral-large-2512", "mistral-medium-3", "mistral-small-2603", "magistral-medium", "magistral-small",
        "codestral-2508", "devstral-2512", "devstral-small", "ministral-14b-2512", "ministral-3b-2512",
        "ministral-8b", "pixtral-large", "mistral-saba", "mistral-nemo"]],
    "groq": [("openai/gpt-oss-120b", "gpt-oss-120b", None), ("openai/gpt-oss-20b", "gpt-oss-20b", None),
             ("llama-3.3-70b-versatile", "llama-3.3-70b", None), ("llama-3.1-8b-instant", "llama-3.1-8b", None),
             ("meta-llama/llama-4-maverick-17b-128e-instruct", "llama-4-maverick", None),
             ("meta-llama/llama-4-scout-17b-16e-instruct", "llama-4-scout", None),
             ("moonshotai/kimi-k2-instruct", "kimi-k2", None), ("qwen/qwen3-32b", "qwen3-32b", None),
             ("meta-llama/llama-guard-4-12b", "llama-guard-4-12b", None)],
    "together": [("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b", None),
                 ("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama-4-maverick", None),
                 ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama-4-scout", None),
                 ("meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "llama-3.1-8b", None),
                 ("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo", "llama-3.1-70b", None),
                 ("meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", "llama-3.1-405b", None),
                 ("mistralai/Mixtral-8x22B-Instruct-v0.1", "mixtral-8x22b", None),
                 ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mixtral-8x7b", None)],
    "fireworks": [(m, c, "accounts/fireworks/models/" + m) for (m, c) in [
        ("deepseek-v4-pro", "deepseek-v4-pro"), ("deepseek-v4-flash", "deepseek-v4-flash"),
        ("deepseek-v3p2", "deepseek-v3.2"), ("deepseek-r1-0528", "deepseek-r1"), ("gpt-oss-120b", "gpt-oss-120b"),
        ("gpt-oss-20b", "gpt-oss-20b"), ("kimi-k2p5", "kimi-k2.5"), ("kimi-k2p6", "kimi-k2.6"),
        ("kimi-k2p7-code", "kimi-k2.7-code"), ("glm-5p2", "glm-5.2"), ("glm-4p7", "glm-4.7"),
        ("llama4-maverick-instruct-basic", "llama-4-maverick"), ("llama-v3p1-8b-instruct", "llama-3.1-8b"),
        ("qwen3-235b-a22b", "qwen3-235b-a22b"), ("qwen3p7-plus", "qwen3.7-plus"), ("minimax-m3", "minimax-m3"),
        ("gemma-3-27b-it", "gemma-3-27b"), ("nemotron-3-ultra-nvfp4", "nemotron-3-ultra")]],
    "xai": [(m, None, None) for m in [
        "grok-4.5", "grok-4.3", "grok-4.20", "grok-4-0709", "grok-4-1-fast-reasoning", "grok-4-1-fast-non-reasoning",
        "grok-code-fast-1", "grok-4-fast-reasoning", "grok-3", "grok-3-mini", "grok-3-mini-fast"]],
    "openrouter": [
        ("openai/gpt-5.4", "gpt-5.4", None), ("openai/gpt-5", "gpt-5", None), ("openai/gpt-4.1", "gpt-4.1", None),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini", None), ("openai/gpt-oss-120b", "gpt-oss-120b", None),
        ("anthropic/claude-sonnet-4.6", "claude-sonnet-4-6", None), ("anthropic/claude-opus-4.8", "claude-opus-4-8", None),
        ("anthropic/claude-haiku-4.5", "claude-haiku-4-5", None), ("google/gemini-2.5-pro", "gemini-2.5-pro", None),
        ("google/gemini-2.5-flash", "gemini-2.5-flash", None), ("deepseek/deepseek-v4-pro", "deepseek-v4-pro", None),
        ("deepseek/deepseek-v4-flash", "deepseek-v4-flash", None),
        ("meta-llama/llama-3.3-70b-instruct", "llama-3.3-70b", None), ("moonshotai/kimi-k2.5", "kimi-k2.5", None),
        ("x-ai/grok-4.3", "grok-4.3", None), ("mistralai/mistral-large-2512", "mistral-large-2512", None),
        ("qwen/qwen3-coder", "qwen3-coder", None), ("qwen/qwen3-235b-a22b-2507", "qwen3-235b-a22b", None)],
    "moonshot": [(m, None, None) for m in [
        "kimi-k3", "kimi-k2.7-code", "kimi-k2.6", "kimi-k2.5", "kimi-k2-thinking", "kimi-k2-thinking-turbo", "kimi-k2-turbo-preview",
        "moonshot-v1-128k", "moonshot-v1-32k", "moonshot-v1-8k"]],
    "zhipu": [(m, m.lower(), None) for m in [
        "GLM-5.2", "GLM-5.1", "GLM-5", "GLM-5-Turbo", "GLM-4.7", "GLM-4.7-FlashX", "GLM-4.5-Air", "GLM-4-Long", "GLM-4-Plus", "GLM-4-Air"]],
    "cerebras": [("gpt-oss-120b", "gpt-oss-120b", None), ("llama-3.3-70b", "llama-3.3-70b", None),
                 ("llama3.1-8b", "llama-3.1-8b", None), ("qwen-3-32b", "qwen3-32b", None)],
    "perplexity": [(m, None, None) for m in ["sonar", "sonar-pro", "sonar-reasoning", "sonar-reasoning-pro", "sonar-deep-research"]],
    "cohere": [("command-a", "command-a", "command-a-03-2025"), ("command-r-plus", "command-r-plus", "command-r-plus-08-2024"),
               ("command-r", "command-r", "command-r-08-2024"), ("command-r7b", "command-r7b", "command-r7b-12-2024")],
    "vllm": [("local:gpt-oss-120b", "gpt-oss-120b", "openai/gpt-oss-120b"),
             ("local:llama-3.3-70b", "llama-3.3-70b", "meta-llama/Llama-3.3-70B-Instruct"),
             ("local:qwen3-32b", "qwen3-32b", "Qwen/Qwen3-32B")],
    "ollama": [("local:gpt-oss-20b", "gpt-oss-20b", "gpt-oss:20b"), ("local:llama-3.1-8b", "llama-3.1-8b", "llama3.1:8b"),
               ("local:qwen3-32b", "qwen3-32b", "qwen3:32b"), ("local:gemma-3-27b", "gemma-3-27b", "gemma3:27b")],
}

# Makers' own APIs: a model served by its maker is PRIMARY there.
MAKER = {
    "gpt-": "openai", "o1": "openai", "o3": "openai", "o4": "openai", "codex": "openai", "claude-": "anthropic",
    "gemini-": "gemini", "gemma-4": "gemini", "deepseek-v4": "deepseek", "deepseek-v3": "deepseek",
    "deepseek-chat": "deepseek", "deepseek-reasoner": "deepseek", "qwen3.": "qwen", "qwen-": "qwen",
    "qwen3-max": "qwen", "qwen3-coder-": "qwen", "mistral": "mistral", "magistral": "mistral", "codestral": "mistral",
    "devstral": "mistral", "ministral": "mistral", "pixtral": "mistral", "grok-": "xai", "kimi-": "moonshot",
    "moonshot-": "moonshot", "glm-": "zhipu", "sonar": "perplexity", "command-": "cohere", "phi-": "azure",
}
# Open-weights models have no maker API in the catalog; the first host listed here is their home.
OPEN_WEIGHTS_HOME = ["groq", "cerebras", "together", "fireworks"]
AGGREGATORS_AND_LOCAL = {"openrouter", "vllm", "ollama"}

GROUPS = {
    "frontier-reasoning": ("Strongest reasoning models; slow and expensive, for hard problems.", [
        "gpt-5.5", "gpt-5.4", "gpt-5.2", "gpt-5", "o3", "claude-opus-5", "claude-opus-4-8", "claude-opus-4-7",
        "gemini-3.1-pro-preview", "gemini-2.5-pro", "grok-4.5", "deepseek-v4-pro", "kimi-k3", "qwen3.7-max",
        "magistral-medium", "glm-5.2"]),
    "frontier": ("General-purpose flagship models.", [
        "gpt-5.4", "gpt-4.1", "gpt-5.1", "claude-sonnet-5", "claude-sonnet-4-6", "claude-sonnet-4-5",
        "gemini-3.6-flash", "gemini-3.5-flash", "grok-4.3", "mistral-large-2512", "qwen3.7-plus", "kimi-k2.6",
        "deepseek-v4-pro", "command-a"]),
    "balanced": ("Good quality at moderate cost and latency.", [
        "gpt-5.4-mini", "gpt-5-mini", "gpt-4.1-mini", "gpt-4o", "claude-haiku-4-5", "gemini-2.5-flash",
        "gemini-3-flash-preview", "deepseek-v4-flash", "mistral-medium-3", "kimi-k2.5", "glm-5", "qwen3.6-plus",
        "grok-4-1-fast-reasoning", "llama-4-maverick", "gpt-oss-120b", "qwen3-235b-a22b"]),
    "fast-cheap": ("Small, fast, cheap models for simple work.", [
        "gpt-5.4-nano", "gpt-5-nano", "gpt-4.1-nano", "gpt-4o-mini", "gemini-2.5-flash-lite",
        "gemini-3.1-flash-lite", "gemini-2.0-flash-lite", "llama-3.1-8b", "gpt-oss-20b", "ministral-3b-2512",
        "ministral-14b-2512", "mistral-small-2603", "qwen-turbo", "qwen3.6-flash", "grok-4-1-fast-non-reasoning",
        "llama-3.3-70b", "llama-4-scout", "glm-4.7-flashx", "qwen3-32b"]),
    "code": ("Models tuned for code.", [
        "gpt-5.3-codex", "gpt-5.1-codex-mini", "codex-mini", "codestral-2508", "devstral-2512", "devstral-small",
        "grok-code-fast-1", "qwen3-coder-plus", "qwen3-coder-flash", "qwen3-coder", "kimi-k2.7-code",
        "claude-sonnet-4-6"]),
    "local": ("Self-hosted open-weights models (vLLM, Ollama): no per-token price.", []),
}


def dollars_to_micros(value, where):
    d = Decimal(str(value)) * Decimal(1_000_000)
    q = d.to_integral_value(rounding=ROUND_HALF_UP)
    if q != d:
        print(f"note: {where}: {value} USD/Mtok is not a whole number of micro-dollars; rounded to {q}", file=sys.stderr)
    return int(q)


def flat(price, note_list, kind):
    if price is None:
        return None
    if isinstance(price, dict):
        tiers = ", ".join(f"{t['price']} USD from {t['start']} prompt tokens" for t in price.get("tiers", []))
        note_list.append(f"{kind} tiered ({tiers}); base tier used")
        return price["base"]
    return price


def current_prices(prices, build_date):
    """Resolves the data set's conditional prices to the list price in force at build_date."""
    if isinstance(prices, dict):
        return prices
    chosen = None
    for entry in prices:
        c = entry.get("constraint")
        if c is None:
            chosen = chosen or entry["prices"]
        elif "start_date" in c:
            if c["start_date"] <= build_date:
                chosen = entry["prices"]
        elif "start_time" in c:
            # Time-of-day window (discount hours): keep the higher, standard list price.
            if chosen is None or Decimal(str(entry["prices"]["output_mtok"])) > Decimal(str(chosen["output_mtok"])):
                chosen = entry["prices"]
    return chosen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    ap.add_argument("--date", default=datetime.date.today().isoformat())
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    data = {p["id"]: p for p in json.loads(Path(args.data).read_text())}
    by_model = {pid: {m["id"]: m for m in p["models"]} for pid, p in data.items()}

    deployments = []
    for (name, *_rest) in PROVIDERS:
        source_id = _rest[-1]
        for (data_id, model, provider_model) in SELECTION[name]:
            if data_id.startswith("local:"):
                entry = {"id": data_id[6:], "prices": {"input_mtok": 0, "output_mtok": 0}}
                src = "self-hosted"
            elif ":" in data_id and not data_id.startswith("ft:"):
                src, mid = data_id.split(":", 1)
                entry = by_model[src][mid]
            else:
                src = source_id
                entry = by_model[source_id][data_id]
            notes = []
            p = current_prices(entry["prices"], args.date)
            if src != source_id and src != "self-hosted":
                notes.append(f"price from data set provider '{src}'")
            model = model or data_id
            dep = {
                "provider": name,
                "model": model,
                "providerModel": provider_model or data_id,
                "contextWindow": entry.get("context_window") or 0,
                "input": dollars_to_micros(flat(p.get("input_mtok", 0), notes, "input"), f"{name}/{model} input"),
                "output": dollars_to_micros(flat(p.get("output_mtok", 0), notes, "output"), f"{name}/{model} output"),
                "cachedRead": dollars_to_micros(flat(p.get("cache_read_mtok", 0), notes, "cachedRead"), f"{name}/{model} cachedRead"),
                "cacheWrite": dollars_to_micros(flat(p.get("cache_write_mtok", 0), notes, "cacheWrite"), f"{name}/{model} cacheWrite"),
                "notes": notes,
            }
            deployments.append(dep)

    # Context window: fill unknowns from another provider serving the same model.
    known_ctx = {}
    for d in deployments:
        known_ctx[d["model"]] = max(known_ctx.get(d["model"], 0), d["contextWindow"])
    for d in deployments:
        if not d["contextWindow"]:
            d["contextWindow"] = known_ctx[d["model"]]

    served_by = {}
    for d in deployments:
        served_by.setdefault(d["model"], []).append(d["provider"])

    def home(model):
        for prefix, maker in sorted(MAKER.items(), key=lambda kv: -len(kv[0])):
            if model.startswith(prefix) and maker in served_by[model]:
                return maker
        for host in OPEN_WEIGHTS_HOME:
            if host in served_by[model]:
                return host
        return None

    for d in deployments:
        if d["provider"] in AGGREGATORS_AND_LOCAL:
            d["tier"] = "TERTIARY"
        elif home(d["model"]) in (d["provider"], None):
            d["tier"] = "PRIMARY"
        else:
            d["tier"] = "SECONDARY"

    models = {d["model"] for d in deployments}
    groups = {}
    for g, (desc, members) in GROUPS.items():
        missing = [m for m in members if m not in models]
        if missing:
            sys.exit(f"group {g} names models not in the catalog: {missing}")
        groups[g] = (desc, list(members))
    groups["local"] = (GROUPS["local"][0], sorted({d["model"] for d in deployments if d["provider"] in ("vllm", "ollama")}))
    # Equivalence groups: one per model served by two or more providers.
    for model in sorted(served_by):
        hosts = served_by[model]
        if len(hosts) > 1:
            groups["same:" + model] = (f"{model} on any of: {', '.join(hosts)}", [model])

    member_of = {}
    for g, (_, members) in groups.items():
        for m in members:
            member_of.setdefault(m, []).append(g)

    out = []
    w = out.append
    w("# Detour default catalog: providers, deployments (provider + model) with list prices, model groups.")
    w("#")
    w("# GENERATED by tools/catalog/build_default_catalog.py -- edit the script, not this file.")
    w(f"# Prices: pydantic/genai-prices, prices/data_slim.json at commit {DATA_COMMIT} (snapshot {DATA_DATE}),")
    w("#   https://github.com/pydantic/genai-prices, MIT licence, Copyright (c) Pydantic Services Inc. 2025 to present.")
    w(f"#   Resolved to the list prices in force on {args.date} (see the script's notes for tiered and")
    w("#   time-of-day prices). Prices are integer micro-dollars (1e-6 USD) per million tokens.")
    w("# Tiers: PRIMARY = the model's maker (or the home host of open weights), SECONDARY = other hosts of the")
    w("#   same model, TERTIARY = aggregators and self-hosted endpoints. Tier is the fallback order within a group.")
    w("# Groups named same:<model> list models served by several providers (failover across providers).")
    w("# Base URLs are the providers' public endpoints; 'azure' needs your resource's URL (override it in config).")
    w("")
    w(f"version: \"{args.date}\"")
    w(f"source: \"genai-prices {DATA_COMMIT} ({DATA_DATE}), MIT, https://github.com/pydantic/genai-prices; prices as of {args.date}\"")
    w("")
    w("providers:")
    for (name, fam, url, env, region, apiv, rpm, tpm, mif, tmo, _src) in PROVIDERS:
        w(f"  - name: {name}")
        w(f"    apiFamily: {fam}")
        w(f"    baseUrl: {url}")
        w(f"    keyEnv: {env}")
        w(f"    region: {region}")
        if apiv:
            w(f"    apiVersion: \"{apiv}\"")
        lim = []
        if rpm: lim.append(f"rpm: {rpm}")
        if tpm: lim.append(f"tpm: {tpm}")
        if mif: lim.append(f"maxInFlight: {mif}")
        if lim:
            w("    limits: {" + ", ".join(lim) + "}")
        w(f"    timeoutMs: {tmo}")
    w("")
    w("deployments:")
    for d in deployments:
        w(f"  - id: {d['provider']}/{d['model']}")
        for n in d["notes"]:
            w(f"    # {n}")
        w(f"    provider: {d['provider']}")
        w(f"    model: {d['model']}")
        w(f"    providerModel: {d['providerModel']}")
        gs = member_of.get(d["model"], [])
        if gs:
            w("    groups: [" + ", ".join(gs) + "]")
        w(f"    tier: {d['tier']}")
        if d["contextWindow"]:
            w(f"    contextWindow: {d['contextWindow']}")
        w(f"    prices: {{input: {d['input']}, output: {d['output']}, cachedRead: {d['cachedRead']}, cacheWrite: {d['cacheWrite']}}}")
    w("")
    w("groups:")
    for g, (desc, members) in groups.items():
        w(f"  - name: \"{g}\"")
        w(f"    description: \"{desc}\"")
        w("    models: [" + ", ".join(members) + "]")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(out) + "\n")
    print(f"wrote {args.out}: {len(PROVIDERS)} providers, {len(deployments)} deployments, {len(models)} models, {len(groups)} groups", file=sys.stderr)


if __name__ == "__main__":
    main()
