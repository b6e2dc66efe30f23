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
    pass
    def macro(l_1_s, l_1_depth):
        t_6 = []
        l_1_icon = resolve('icon')
        l_1_tooltips = resolve('tooltips')
        l_1_pad = missing
        if l_1_s is missing:
            l_1_s = undefined("parameter 's' was not provided", name='s')
        if l_1_depth is missing:
            l_1_depth = 0
        pass
        l_1_pad = ('  ' * l_1_depth)
        t_6.extend((
            str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
            str(t_3(environment.getattr(l_1_s, 'id'))),
            ': ',
            str(t_1(environment.getattr(l_1_s, 'label'))),
            ' {\n',
        ))
        if environment.getattr(l_1_s, 'marks'):
            pass
            t_6.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  class: [',
                str(t_3(environment.getattr(l_1_s, 'kind'))),
            ))
            for l_2_m in environment.getattr(l_1_s, 'marks'):
                _loop_vars = {}
                pass
                t_6.extend((
                    '; ',
                    str(t_3(l_2_m)),
                ))
            l_2_m = missing
            t_6.append(
                ']\n',
            )
        else:
            pass
            t_6.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  class: ',
                str(t_3(environment.getattr(l_1_s, 'kind'))),
                '\n',
            ))
        if environment.getattr(l_1_s, 'icon'):
            pass
            t_6.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  icon: ',
                str(t_1(context.call((undefined(name='icon') if l_1_icon is missing else l_1_icon), environment.getattr(l_1_s, 'icon')))),
                '\n',
            ))
            if environment.getattr(l_1_s, 'children'):
                pass
                t_6.extend((
                    str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                    '  icon.near: top-left\n',
                ))
        if (environment.getattr(l_1_s, 'tooltip') and (undefined(name='tooltips') if l_1_tooltips is missing else l_1_tooltips)):
            pass
            t_6.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  tooltip: ',
                str(t_1(environment.getattr(l_1_s, 'tooltip'))),
                '\n',
            ))
        if environment.getattr(l_1_s, 'rows'):
            pass
            t_6.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  grid-rows: ',
                str(environment.getattr(l_1_s, 'rows')),
                '\n',
            ))
        if environment.getattr(l_1_s, 'columns'):
            pass
            t_6.extend((
                str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
                '  grid-columns: ',
                str(environment.getattr(l_1_s, 'columns')),
                '\n',
            ))
        for l_2_c in environment.getattr(l_1_s, 'children'):
            _loop_vars = {}
            pass
            t_6.extend((
                str(context.call((undefined(name='shape') if l_0_shape is missing else l_0_shape), l_2_c, (l_1_depth + 1), _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_c = missing
        t_6.extend((
            str((undefined(name='pad') if l_1_pad is missing else l_1_pad)),
            '}',
        ))
        return concat(t_6)
    context.exported_vars.add('shape')
    context.vars['shape'] = l_0_shape = Macro(environment, macro, 'shape', ('s', 'depth'), False, False, False, context.eval_ctx.autoescape)
    yield '\n'
    def macro(l_1_e):
        t_7 = []
        l_1_arrow = missing
        if l_1_e is missing:
            l_1_e = undefined("parameter 'e' was not provided", name='e')
        pass
        l_1_arrow = ('--' if (environment.getattr(l_1_e, 'kind') in ('assoc', 'peering')) else '->')
        t_7.extend((
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
        return concat(t_7)
    context.exported_vars.add('edge')
    context.vars['edge'] = l_0_edge = Macro(environment, macro, 'edge', ('e',), False, False, False, context.eval_ctx.autoescape)
    def macro(l_1_scene):
        t_8 = []
        if l_1_scene is missing:
            l_1_scene = undefined("parameter 'scene' was not provided", name='scene')
        pass
        t_8.extend((
            'direction: ',
            str(t_3(environment.getattr(l_1_scene, 'direction'))),
            '\n\n',
        ))
        template = environment.get_template('_classes.d2.j2', '_macros.d2.j2')
        gen = template.root_render_func(template.new_context(context.get_all(), True, {'scene': l_1_scene, 'board': l_0_board, 'edge': l_0_edge, 'shape': l_0_shape}))
        try:
            for event in gen:
                t_8.append(event)
        finally: gen.close()
        t_8.extend((
            '\nheader: "" {\n  near: top-center\n  grid-columns: 1\n  grid-gap: 6\n  style: { fill: transparent; stroke-width: 0 }\n  title: ',
            str(t_1(environment.getattr(l_1_scene, 'title'))),
            ' { shape: text; style: { font-size: 40; bold: true } }\n',
        ))
        if environment.getattr(l_1_scene, 'subtitle'):
            pass
            t_8.extend((
                '  subtitle: ',
                str(t_1(environment.getattr(l_1_scene, 'subtitle'))),
                ' { shape: text; style.font-size: 26 }\n',
            ))
        t_8.append(
            '}\n\n',
        )
        for l_2_s in environment.getattr(l_1_scene, 'shapes'):
            _loop_vars = {}
            pass
            t_8.extend((
                str(context.call((undefined(name='shape') if l_0_shape is missing else l_0_shape), l_2_s, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_s = missing
        t_8.append(
            '\n',
        )
        for l_2_e in environment.getattr(l_1_scene, 'edges'):
            _loop_vars = {}
            pass
            t_8.extend((
                str(context.call((undefined(name='edge') if l_0_edge is missing else l_0_edge), l_2_e, _loop_vars=_loop_vars)),
                '\n',
            ))
        l_2_e = missing
        t_8.append(
            '\nfooter: "" {\n  near: bottom-center\n  grid-rows: 1\n  vertical-gap: 0\n  horizontal-gap: 80\n  style: { fill: transparent; stroke-width: 0 }\n',
        )
        if environment.getattr(l_1_scene, 'notes'):
            pass
            t_8.extend((
                '  notes: ',
                str(t_1(t_2(context.eval_ctx, environment.getattr(l_1_scene, 'notes'), '\n'), 2000)),
                ' { shape: text; style.font-size: 22 }\n',
            ))
        if environment.getattr(l_1_scene, 'legend'):
            pass
            t_8.extend((
                '  legend: "" {    grid-rows: ',
                str(t_4(environment.getattr(l_1_scene, 'legend'))),
                '\n    grid-columns: 3\n    horizontal-gap: 70\n    vertical-gap: 14\n    style: { fill: transparent; stroke-width: 0 }\n',
            ))
            for (l_2_kind, l_2_meaning) in environment.getattr(l_1_scene, 'legend'):
                _loop_vars = {}
                pass
                t_8.extend((
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
            t_8.append(
                '  }\n',
            )
        t_8.append(
            '}',
        )
        return concat(t_8)
    context.exported_vars.add('board')
    context.vars['board'] = l_0_board = Macro(environment, macro, 'board', ('scene',), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=42&3=52&4=54&5=60&6=63&8=81&10=86&11=89&12=94&13=97&16=100&17=103&19=108&20=111&22=116&23=119&25=124&26=128&28=133&31=140&32=146&33=148&38=162&39=169&41=172&48=180&49=183&50=187&54=193&55=197&58=204&59=208&68=215&69=219&71=222&76=226&81=229&82=234&83=236&84=238&85=242'