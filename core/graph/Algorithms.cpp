#include "graph/Algorithms.h"
