// Shared helpers for every FieldForge kernel. Include AFTER the `layout(local_size_x = ...) in;` line
// (gl_WorkGroupSize is only defined once the workgroup size is declared).
#ifndef FF_COMMON_GLSL
#define FF_COMMON_GLSL

// Linear workgroup index for 1-D work that CommandBatch.GroupsFor folded into (X, Y) to respect device limits.
uint ff_group_index() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }

// Linear invocation index for the same folded 1-D dispatches. Always bound-check it against the element count.
uint ff_global_index() { return ff_group_index() * gl_WorkGroupSize.x + gl_LocalInvocationID.x; }

#endif
