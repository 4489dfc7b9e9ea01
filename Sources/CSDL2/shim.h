// SDL2 (Debian: libsdl2-dev; include path from pkg-config sdl2), used only by the Viewer module.
#define SDL_MAIN_HANDLED 1
#include <SDL.h>
