"""Runs the real ComfyUI-Connect plugin's request handling for a test.

The plugin (Good-Dream-Studio/ComfyUI-Connect, read-only at
../shared/upstream/comfyui_connect beside the repository) is imported
unchanged. The ComfyUI modules it imports are stubbed: `server` gives it a
PromptServer with `.routes` and `.app`, `folder_paths` points at temporary
folders, and `socketio`, `pynvml`, `aiofiles`, `requests` stand in for parts
the bot never reaches. ComfyUI itself is the project's fake core ComfyUI:
the plugin talks to it through `Connect.ComfyUIHost`/`Connect.ComfyUIPort`
in the user folder's comfy.settings.json, and every route the plugin does
not serve is passed to it, as both live in one ComfyUI process for real.

Usage: python3 connect_plugin.py PLUGIN_DIR USER_DIR INPUT_DIR OUTPUT_DIR CORE_URL
Prints "LISTENING <port>" once it serves on 127.0.0.1; stops when stdin
closes.
"""

import asyncio
import importlib.util
import os
import sys
import types

from aiohttp import ClientSession, web

PLUGIN_DIR, USER_DIR, INPUT_DIR, OUTPUT_DIR, CORE_URL = sys.argv[1:6]
# ComfyUI's default --max-upload-size (100 MB) is its aiohttp body limit.
MAX_UPLOAD = 100 * 1024 * 1024


def stub(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


class PromptServer:
    """The part of ComfyUI's server.PromptServer the plugin touches."""

    instance = None

    def __init__(self):
        self.routes = web.RouteTableDef()
        self.app = web.Application(client_max_size=MAX_UPLOAD)


class AsyncClient:
    """socketio.AsyncClient: the gateway link stays off (no endpoint set)."""

    connected = False

    def event(self, handler):
        return handler

    def on(self, _name):
        return lambda handler: handler

    async def emit(self, *_args, **_kwargs):
        return None


def no_network(*_args, **_kwargs):
    raise RuntimeError("the conformance test downloads nothing")


PromptServer.instance = PromptServer()
stub("server", PromptServer=PromptServer)
stub(
    "folder_paths",
    get_user_directory=lambda: USER_DIR,
    get_input_directory=lambda: INPUT_DIR,
    get_output_directory=lambda: OUTPUT_DIR,
)
stub("socketio", AsyncClient=AsyncClient)
stub("pynvml")
stub("aiofiles", open=open)
stub("requests", get=no_network)


def load_plugin():
    spec = importlib.util.spec_from_file_location(
        "comfyui_connect",
        os.path.join(PLUGIN_DIR, "__init__.py"),
        submodule_search_locations=[PLUGIN_DIR],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["comfyui_connect"] = module
    spec.loader.exec_module(module)


async def to_core(request):
    """Any other route: ComfyUI's own (/prompt, /history, /view, /queue...)."""
    async with ClientSession() as session:
        async with session.request(
            request.method,
            CORE_URL + request.path_qs,
            data=await request.read(),
            headers={"content-type": request.headers.get("content-type", "")},
        ) as answer:
            return web.Response(
                status=answer.status,
                body=await answer.read(),
                headers={
                    "content-type": answer.headers.get(
                        "content-type", "application/octet-stream"
                    )
                },
            )


def add_routes(app, routes):
    """PromptServer.add_routes: every route also under /api."""
    for route in routes:
        app.router.add_route(route.method, route.path, route.handler)
        app.router.add_route(route.method, "/api" + route.path, route.handler)
    app.router.add_route("*", "/{tail:.*}", to_core)


async def main():
    load_plugin()
    server = PromptServer.instance
    add_routes(server.app, server.routes)
    runner = web.AppRunner(server.app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"LISTENING {port}", flush=True)
    # Until the test closes stdin.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


asyncio.run(main())
