#include "io/OgbFeatures.h"
