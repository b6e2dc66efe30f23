# Generated from templates/ by `make templates` (jinja2); do not edit.
from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_macros.d2.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_shape = l_0_edge = l_0_board = missing
    try:
        t_1 = environment.filters['d2']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'd2' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['key']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'key' found.")
    try:
        t_4 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_5 = environment.filters['path']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'path' found.")
    try:
        t_6 = environment.filters['tooltip']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'tooltip' found.")
    pass
    def macro(l_1_s, l_1_depth):
        t_7 = []
        l_1_icon = resolve('icon')
        l_1_tooltips = resolve('tooltips')
        l_1_pad = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_depth is missing:
            l_1_depth = 0
        pass
        l_1_pad = ('  ' * l_1_depth)
        t_7.extend((
            str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
            str(t_3(environment.getattr(l_1_s, 'id'))),
            ': ',
            str(t_1(environment.getattr(l_1_s, 'label'))),
            ' {\n',
        ))
        if environment.getattr(l_1_s, 'marks'):
            pass
            t_7.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  class: [',
                str(t_3(environment.getattr(l_1_s, 'kind'))),
            ))
            for l_2_m in environment.getattr(l_1_s, 'marks'):
                _loop_vars = {}
                pass
                t_7.extend((
                    '; ',
                    str(t_3(l_2_m)),
                ))
            l_2_m = missing
            t_7.append(
                ']\n',
            )
        else:
            pass
            t_7.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  class: ',
                str(t_3(environment.getattr(l_1_s, 'kind'))),
                '\n',
            ))
        if environment.getattr(l_1_s, 'icon'):
            pass
            t_7.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  icon: ',
                str(t_1(context.call((undefined(name='icon') if l_1_icon is missing else l_1_icon), environment.getattr(l_1_s, 'icon')))),
                '\n',
            ))
            if environment.getattr(l_1_s, 'children'):
                pass
                t_7.extend((
                    str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                    '  icon.near: top-left\n',
                ))
            elif (context.call(environment.getattr(environment.getattr(l_1_s, 'label'), 'count'), '\n') >= 3):
                pass
                t_7.extend((
                    str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                    '  icon.near: bottom-center\n',
                ))
        if (environment.getattr(l_1_s, 'tooltip') and (undefined(name='tooltips') if l_1_tooltips is missing else l_1_tooltips)):
            pass
            t_7.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  tooltip: ',
                str(t_6(environment.getattr(l_1_s, 'tooltip'))),
                '\n',
            ))
        if environment.getattr(l_1_s, 'rows'):
            pass
            t_7.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  grid-rows: ',
                str(environment.getattr(l_1_s, 'rows')),
                '\n',
            ))
        if environment.getattr(l_1_s, 'columns'):
            pass
            t_7.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  grid-columns: ',
                str(environment.getattr(l_1_s, 'columns')),
                '\n',
            ))
        for l_2_c in environment.getattr(l_1_s, 'children'):
            _loop_vars = {}
            pass
            t_7.extend((
                str(context.call((undefined(name='shape') if l_0_shape is missing else l_0_shape), l_2_c, (l_1_depth + 1), _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_c = missing
        t_7.extend((
            str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
            '}',
        ))
        return concat(t_7)
    context.exported_vars.add('shape')
    context.vars['shape'] = l_0_shape = Macro(environment, macro, 'shape', ('s', 'depth'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_e):
        t_8 = []
        l_1_arrow = missing
        if l_1_e is missing:
            l_1_e = undefined("parameter 'e' was not provided", name='e')
        pass
        l_1_arrow = ('--' if (environment.getattr(l_1_e, 'kind') in ('assoc', 'peering')) else '->')
        t_8.extend((
            str(t_5(environment.getattr(l_1_e, 'src'))),
            ' ',
            str((undefined(name='arrow') if l_1_arrow is missing else l_1_arrow)),
            ' ',
            str(t_5(environment.getattr(l_1_e, 'dst'))),
            ': ',
            str(t_1(environment.getattr(l_1_e, 'label'))),
            ' { class: ',
            str(t_3(environment.getattr(l_1_e, 'kind'))),
            ' }',
        ))
        return concat(t_8)
    context.exported_vars.add('edge')
    context.vars['edge'] = l_0_edge = Macro(environment, macro, 'edge', ('e',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_scene):
        t_9 = []
        if l_1_scene is missing:
            l_1_scene = undefined("parameter 'scene' was not provided", name='scene')
        pass
        t_9.extend((
            'direction: ',
            str(t_3(environment.getattr(l_1_scene, 'direction'))),
            '\n\n',
        ))
        template = environment.get_template('_classes.d2.j2', '_macros.d2.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'scene': l_1_scene, 'board': l_0_board, 'edge': l_0_edge, 'shape': l_0_shape}))
        try:
            for event in gen:
                t_9.append(event)
        finally: gen.close()
        t_9.extend((
            '\nheader: "" {\n  near: top-center\n  grid-columns: 1\n  grid-gap: 6\n  style: { fill: transparent; stroke-width: 0 }\n  title: ',
            str(t_1(environment.getattr(l_1_scene, 'title'))),
            ' { shape: text; style: { font-size: 40; bold: true } }\n',
        ))
        if environment.getattr(l_1_scene, 'subtitle'):
            pass
            t_9.extend((
                '  subtitle: ',
                str(t_1(environment.getattr(l_1_scene, 'subtitle'))),
                ' { shape: text; style.font-size: 26 }\n',
            ))
        t_9.append(
            '}\n\n',
        )
        for l_2_s in environment.getattr(l_1_scene, 'shapes'):
            _loop_vars = {}
            pass
            t_9.extend((
                str(context.call((undefined(name='shape') if l_0_shape is missing else l_0_shape), l_2_s, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_s = missing
        t_9.append(
            '\n',
        )
        for l_2_e in environment.getattr(l_1_scene, 'edges'):
            _loop_vars = {}
            pass
            t_9.extend((
                str(context.call((undefined(name='edge') if l_0_edge is missing else l_0_edge), l_2_e, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_e = missing
        t_9.append(
            '\nfooter: "" {\n  near: bottom-center\n  grid-rows: 1\n  vertical-gap: 0\n  horizontal-gap: 80\n  style: { fill: transparent; stroke-width: 0 }\n',
        )
        if environment.getattr(l_1_scene, 'notes'):
            pass
            t_9.extend((
                '  notes: ',
                str(t_1(t_2(context.eval_ctx, environment.getattr(l_1_scene, 'notes'), '\n'), 2000)),
                ' { shape: text; style.font-size: 22 }\n',
            ))
        if environment.getattr(l_1_scene, 'legend'):
            pass
            t_9.extend((
                '  legend: "" {    grid-rows: ',
                str(t_4(environment.getattr(l_1_scene, 'legend'))),
                '\n    grid-columns: 3\n    horizontal-gap: 70\n    vertical-gap: 14\n    style: { fill: transparent; stroke-width: 0 }\n',
            ))
            for (l_2_kind, l_2_meaning) in environment.getattr(l_1_scene, 'legend'):
                _loop_vars = {}
                pass
                t_9.extend((
                    '    ',
                    str(t_3(l_2_kind)),
                    '_a: "" { shape: circle; width: 4; style.opacity: 0 }\n    ',
                    str(t_3(l_2_kind)),
                    '_b: "" { shape: circle; width: 4; style.opacity: 0 }\n    ',
                    str(t_3(l_2_kind)),
                    ': ',
                    str(t_1(l_2_meaning)),
                    ' { shape: text; style.font-size: 22 }\n    ',
                    str(t_3(l_2_kind)),
                    '_a ',
                    str(('--' if (l_2_kind in ('assoc', 'peering')) else '->')),
                    ' ',
                    str(t_3(l_2_kind)),
                    '_b: "" { class: ',
                    str(t_3(l_2_kind)),
                    ' }\n',
                ))
            l_2_kind = l_2_meaning = missing
            t_9.append(
                '  }\n',
            )
        t_9.append(
            '}',
        )
        return concat(t_9)
    context.exported_vars.add('board')
    context.vars['board'] = l_0_board = Macro(environment, macro, 'board', ('scene',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=48&3=58&4=60&5=66&6=69&8=87&10=92&11=95&12=100&13=103&14=106&17=109&20=112&21=115&23=120&24=123&26=128&27=131&29=136&30=140&32=145&35=152&36=158&37=160&42=174&43=181&45=184&52=192&53=195&54=199&58=205&59=209&62=216&63=220&72=227&73=231&75=234&80=238&85=241&86=246&87=248&88=250&89=254'