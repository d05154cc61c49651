title={{title}} who={{who}} from={{from}} res={{_locals.who}} resfrom={{_locals.from}}
